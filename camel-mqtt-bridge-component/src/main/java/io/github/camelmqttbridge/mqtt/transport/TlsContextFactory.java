package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/** Builds the client's TLS context once and an {@link SslHandler} per connection, host name verification on. */
public final class TlsContextFactory {

    private TlsContextFactory() {
    }

    public static SslContext create(TlsOptions tls) {
        if (tls.sslContext() != null) {
            return new JdkSslContext(tls.sslContext(), true, null, io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE,
                    null, ClientAuth.NONE, tls.protocols().toArray(String[]::new), false);
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().protocols(tls.protocols());
            if (tls.trustStore() != null) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(tls.trustStore(), tls.trustStoreType(), tls.trustStorePassword(), "trust store"));
                builder.trustManager(tmf);
            }
            if (tls.keyStore() != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(tls.keyStore(), tls.keyStoreType(), tls.keyStorePassword(), "key store"), tls.keyStorePassword());
                builder.keyManager(kmf);
            }
            return builder.build();
        } catch (MqttClientException e) {
            throw e;
        } catch (Exception e) {
            throw new MqttClientException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(java.nio.file.Path path, String type, char[] password, String what) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            return ks;
        } catch (java.io.IOException e) {
            // Never echo the password: the message names the file and the likely cause only.
            throw new MqttClientException("Cannot read the TLS " + what + " " + path + " (" + type
                    + "): wrong password or not a " + type + " file (" + e.getClass().getSimpleName() + ")", e);
        } catch (Exception e) {
            throw new MqttClientException("Cannot read the TLS " + what + " " + path + ": " + e.getMessage(), e);
        }
    }

    public static SslHandler newHandler(SslContext context, ByteBufAllocator alloc, String host, int port,
            boolean verifyHostname) {
        SSLEngine engine = context.newEngine(alloc, host, port);
        if (verifyHostname) {
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return new SslHandler(engine);
    }
}
