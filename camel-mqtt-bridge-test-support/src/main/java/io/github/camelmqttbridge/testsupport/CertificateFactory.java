package io.github.camelmqttbridge.testsupport;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues RSA 2048 / SHA256 certificates with BouncyCastle's builders. Uses the JDK's own JCA providers
 * for keys and signatures so that nothing has to register a security provider globally.
 */
final class CertificateFactory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateFactory() {
    }

    /** A key pair with its certificate; for a CA also the issuer of others. */
    record Issued(KeyPair keyPair, X509Certificate certificate) {
    }

    static Issued selfSignedCa(String commonName) {
        KeyPair keys = newKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        return new Issued(keys, sign(name, keys, name, keys, null, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        }));
    }

    /** A server certificate for the given DNS names and IP addresses, signed by {@code ca} or self-signed if null. */
    static Issued server(String commonName, List<String> dnsNames, List<String> ipAddresses, Issued ca) {
        KeyPair keys = newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        GeneralName[] altNames = java.util.stream.Stream.concat(
                dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)),
                ipAddresses.stream().map(ip -> new GeneralName(GeneralName.iPAddress, ip)))
                .toArray(GeneralName[]::new);
        return new Issued(keys, signLeaf(subject, keys, ca, KeyPurposeId.id_kp_serverAuth, altNames));
    }

    static Issued client(String commonName, Issued ca) {
        KeyPair keys = newKeyPair();
        return new Issued(keys, signLeaf(new X500Name("CN=" + commonName), keys, ca, KeyPurposeId.id_kp_clientAuth,
                new GeneralName[0]));
    }

    private static X509Certificate signLeaf(X500Name subject, KeyPair keys, Issued ca, KeyPurposeId purpose,
            GeneralName[] altNames) {
        X500Name issuer = ca == null ? subject : X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        KeyPair issuerKeys = ca == null ? keys : ca.keyPair();
        return sign(subject, keys, issuer, issuerKeys, ca == null ? null : ca.certificate(), builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (altNames.length > 0) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
            }
        });
    }

    private interface Extensions {
        void addTo(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
            X509Certificate issuerCertificate, Extensions extensions) {
        try {
            // Valid from yesterday so that small clock differences never make a fresh certificate "not yet valid".
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                    subject, subjectKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCertificate == null
                    ? utils.createAuthorityKeyIdentifier(issuerKeys.getPublic())
                    : utils.createAuthorityKeyIdentifier(issuerCertificate));
            extensions.addTo(builder);
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("Could not issue a test certificate for " + subject, e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate an RSA key pair", e);
        }
    }
}
