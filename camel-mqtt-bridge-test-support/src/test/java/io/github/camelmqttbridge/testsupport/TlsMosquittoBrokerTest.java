package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlsMosquittoBrokerTest {

    private static TestCertificates certs;

    @BeforeAll
    static void generateCertificates() {
        certs = TestCertificates.generate();
    }

    @Test
    void writesPemFilesAndKeyStores() {
        assertThat(certs.caCertPem()).content().startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(certs.serverKeyPem()).content().startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.exists(certs.wrongHostCertPem())).isTrue();
        assertThat(Files.exists(certs.untrustedCertPem())).isTrue();
        assertThat(Files.exists(certs.clientCertPem())).isTrue();
        assertThat(Files.exists(certs.trustStore())).isTrue();
        assertThat(Files.exists(certs.clientKeyStore())).isTrue();
    }

    @Test
    void handshakeWithHostNameCheckSucceedsAgainstSslUrl() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().tls(certs, false).start()) {
            URI url = URI.create(broker.sslUrl());
            assertThat(url.getHost()).isEqualTo("localhost");

            try (SSLSocket socket = handshake(certs.clientSslContext(false), url)) {
                X509Certificate server = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            }
        }
    }

    @Test
    void wrongHostCertificateFailsTheHostNameCheck() {
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(certs, false, MosquittoBroker.ServerCertificate.WRONG_HOST).start()) {
            assertThatThrownBy(() -> handshake(certs.clientSslContext(false), URI.create(broker.sslUrl())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("No subject alternative DNS name matching localhost");
        }
    }

    @Test
    void untrustedCertificateFailsTheTrustCheck() {
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .tls(certs, false, MosquittoBroker.ServerCertificate.UNTRUSTED_SELF_SIGNED).start()) {
            assertThatThrownBy(() -> handshake(certs.clientSslContext(false), URI.create(broker.sslUrl())))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("PKIX path");
        }
    }

    @Test
    void requiredClientCertificateIsAcceptedWhenPresented() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().tls(certs, true).start()) {
            URI url = URI.create(broker.sslUrl());
            try (SSLSocket socket = handshake(certs.clientSslContext(true), url)) {
                assertThat(socket.getSession().getLocalCertificates()).isNotEmpty();
            }
            // Under TLS 1.3 the server may only reject a missing certificate after the client's handshake ends.
            assertThatThrownBy(() -> {
                try (SSLSocket socket = handshake(certs.clientSslContext(false), url)) {
                    socket.setSoTimeout(5_000);
                    socket.getInputStream().read();
                }
            }).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
        }
    }

    private static SSLSocket handshake(SSLContext context, URI url) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(url.getHost(), url.getPort());
        try {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
