package io.github.camelmqttbridge.mqtt.options;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * TLS for {@code ssl://} (or {@code mqtts://}) server URIs. Either a ready {@link SSLContext}, or key/trust
 * store files. Host name verification is on unless switched off explicitly. Passwords are never printed.
 */
public final class TlsOptions {

    public static final TlsOptions DEFAULT = builder().build();

    private final SSLContext sslContext;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final String trustStoreType;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final String keyStoreType;
    private final List<String> protocols;
    private final boolean hostnameVerification;

    private TlsOptions(Builder b) {
        this.sslContext = b.sslContext;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.keyStoreType = b.keyStoreType;
        this.protocols = List.copyOf(b.protocols);
        this.hostnameVerification = b.hostnameVerification;
    }

    public static Builder builder() {
        return new Builder();
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public Path trustStore() {
        return trustStore;
    }

    public char[] trustStorePassword() {
        return trustStorePassword;
    }

    public String trustStoreType() {
        return trustStoreType;
    }

    public Path keyStore() {
        return keyStore;
    }

    public char[] keyStorePassword() {
        return keyStorePassword;
    }

    public String keyStoreType() {
        return keyStoreType;
    }

    public List<String> protocols() {
        return protocols;
    }

    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    @Override
    public String toString() {
        return "TlsOptions[sslContext=" + (sslContext != null) + ", trustStore=" + trustStore + ", keyStore=" + keyStore
                + ", protocols=" + protocols + ", hostnameVerification=" + hostnameVerification + "]";
    }

    public static final class Builder {
        private SSLContext sslContext;
        private Path trustStore;
        private char[] trustStorePassword;
        private String trustStoreType = "PKCS12";
        private Path keyStore;
        private char[] keyStorePassword;
        private String keyStoreType = "PKCS12";
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");
        private boolean hostnameVerification = true;

        private Builder() {
        }

        /** A ready SSL context (e.g. from Camel's SSLContextParameters); stores are then ignored. */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder trustStore(Path path, char[] password) {
            this.trustStore = path;
            this.trustStorePassword = password;
            return this;
        }

        public Builder trustStoreType(String type) {
            this.trustStoreType = type;
            return this;
        }

        /** For mutual TLS: our own key and certificate. */
        public Builder keyStore(Path path, char[] password) {
            this.keyStore = path;
            this.keyStorePassword = password;
            return this;
        }

        public Builder keyStoreType(String type) {
            this.keyStoreType = type;
            return this;
        }

        public Builder protocols(List<String> protocols) {
            this.protocols = protocols;
            return this;
        }

        /** Switch off only for tests against certificates without the right host name. */
        public Builder hostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        public TlsOptions build() {
            return new TlsOptions(this);
        }
    }
}
