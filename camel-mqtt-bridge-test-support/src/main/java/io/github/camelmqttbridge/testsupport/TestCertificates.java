package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

import io.github.camelmqttbridge.testsupport.CertificateFactory.Issued;

/**
 * A throw-away PKI for TLS tests: a CA; a server certificate for {@code localhost} and 127.0.0.1; a server
 * certificate for {@value #WRONG_HOST_NAME} from the same CA (host name checks must fail); a client
 * certificate from the CA; and a self-signed server certificate for localhost that nobody trusts.
 *
 * <p>Files written, PEM for Mosquitto: {@code ca.crt, server.crt/.key, wronghost.crt/.key, untrusted.crt/.key,
 * client.crt/.key} (keys unencrypted PKCS#8). PKCS12 for Java clients, protected by {@link #password()}:
 * {@code truststore.p12} (the CA) and {@code client-keystore.p12} (client key, chain client + CA).
 */
public final class TestCertificates {

    public static final String WRONG_HOST_NAME = "wrong.example";
    private static final String PASSWORD = "changeit";

    private final Path directory;
    private final X509Certificate caCertificate;

    private TestCertificates(Path directory, X509Certificate caCertificate) {
        this.directory = directory;
        this.caCertificate = caCertificate;
    }

    /** Generates everything into a new temporary directory (left for the OS to clean up; it is small). */
    public static TestCertificates generate() {
        try {
            return generateInto(Files.createTempDirectory("test-certificates-"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for test certificates", e);
        }
    }

    /** Generates everything into {@code directory}, which is created if missing; existing files are replaced. */
    public static TestCertificates generateInto(Path directory) {
        Issued ca = CertificateFactory.selfSignedCa("camel-mqtt-bridge test CA");
        Issued server = CertificateFactory.server("localhost", List.of("localhost"), List.of("127.0.0.1"), ca);
        Issued wrongHost = CertificateFactory.server(WRONG_HOST_NAME, List.of(WRONG_HOST_NAME), List.of(), ca);
        Issued untrusted = CertificateFactory.server("localhost", List.of("localhost"), List.of("127.0.0.1"), null);
        Issued client = CertificateFactory.client("test-client", ca);
        try {
            Files.createDirectories(directory);
            writePem(directory.resolve("ca.crt"), ca.certificate());
            writeCertificateAndKey(directory, "server", server);
            writeCertificateAndKey(directory, "wronghost", wrongHost);
            writeCertificateAndKey(directory, "untrusted", untrusted);
            writeCertificateAndKey(directory, "client", client);
            writeTrustStore(directory.resolve("truststore.p12"), ca.certificate());
            writeClientKeyStore(directory.resolve("client-keystore.p12"), client, ca);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not write test certificates to " + directory, e);
        }
        return new TestCertificates(directory, ca.certificate());
    }

    public Path directory() {
        return directory;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public Path caCertPem() {
        return directory.resolve("ca.crt");
    }

    public Path serverCertPem() {
        return directory.resolve("server.crt");
    }

    public Path serverKeyPem() {
        return directory.resolve("server.key");
    }

    public Path wrongHostCertPem() {
        return directory.resolve("wronghost.crt");
    }

    public Path wrongHostKeyPem() {
        return directory.resolve("wronghost.key");
    }

    public Path untrustedCertPem() {
        return directory.resolve("untrusted.crt");
    }

    public Path untrustedKeyPem() {
        return directory.resolve("untrusted.key");
    }

    public Path clientCertPem() {
        return directory.resolve("client.crt");
    }

    public Path clientKeyPem() {
        return directory.resolve("client.key");
    }

    /** PKCS12 trust store holding the CA certificate, protected by {@link #password()}. */
    public Path trustStore() {
        return directory.resolve("truststore.p12");
    }

    /** PKCS12 key store holding the client key and its chain, protected by {@link #password()}. */
    public Path clientKeyStore() {
        return directory.resolve("client-keystore.p12");
    }

    /** Password of both PKCS12 stores and of the client key entry. */
    public String password() {
        return PASSWORD;
    }

    public String trustStoreType() {
        return "PKCS12";
    }

    /**
     * A TLS client context trusting the test CA; with {@code presentClientCertificate} it also offers the client
     * certificate. Host name verification is up to the caller (e.g. {@code SSLParameters#setEndpointIdentificationAlgorithm}).
     */
    public SSLContext clientSslContext(boolean presentClientCertificate) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(trustStore()));
            KeyManagerFactory keys = null;
            if (presentClientCertificate) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(clientKeyStore()), PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Could not build a TLS client context from " + directory, e);
        }
    }

    private KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private static void writeCertificateAndKey(Path directory, String baseName, Issued issued) throws IOException {
        writePem(directory.resolve(baseName + ".crt"), issued.certificate());
        // PKCS#8 ("BEGIN PRIVATE KEY") is what both OpenSSL and Netty's PEM loader accept.
        writePem(directory.resolve(baseName + ".key"), new JcaPKCS8Generator(issued.keyPair().getPrivate(), null));
    }

    private static void writePem(Path file, X509Certificate certificate) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        }
    }

    private static void writePem(Path file, PemObjectGenerator generator) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(generator);
        }
    }

    private static void writeTrustStore(Path file, X509Certificate ca) throws IOException, GeneralSecurityException {
        KeyStore store = emptyPkcs12();
        store.setCertificateEntry("ca", ca);
        save(store, file);
    }

    private static void writeClientKeyStore(Path file, Issued client, Issued ca)
            throws IOException, GeneralSecurityException {
        KeyStore store = emptyPkcs12();
        store.setKeyEntry("client", client.keyPair().getPrivate(), PASSWORD.toCharArray(),
                new Certificate[] {client.certificate(), ca.certificate()});
        save(store, file);
    }

    private static KeyStore emptyPkcs12() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static void save(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
    }
}
