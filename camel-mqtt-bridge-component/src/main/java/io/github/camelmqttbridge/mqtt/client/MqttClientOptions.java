package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.session.MemorySessionStore;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Everything a client needs to know; immutable, built with {@link #builder()}. Defaults live here only.
 * {@link #toString()} never shows the password.
 */
public final class MqttClientOptions {

    /** Largest value the MQTT variable byte integer can carry for a remaining length. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 268_435_455;
    /** MQTT 5: the broker's Receive Maximum lowers it further. */
    public static final int DEFAULT_MAX_INFLIGHT_V5 = 1000;
    /** MQTT 3.1.1 has no Receive Maximum: stay within what common brokers accept (Mosquitto: 20). */
    public static final int DEFAULT_MAX_INFLIGHT_V3 = 20;

    private final List<URI> serverUris;
    private final String clientId;
    private final MqttVersion version;
    private final boolean cleanStart;
    private final long sessionExpiryInterval;
    private final String userName;
    private final byte[] password;
    private final int keepAliveSeconds;
    private final Duration connectTimeout;
    private final Will will;
    private final int receiveMaximum;
    private final int maxInflight;
    private final int maximumPacketSize;
    private final int topicAliasMaximum;
    private final boolean outboundTopicAliases;
    private final int maxPendingPublishes;
    private final boolean automaticReconnect;
    private final Duration minReconnectDelay;
    private final Duration maxReconnectDelay;
    private final TlsOptions tls;
    private final Supplier<SessionStore> sessionStore;
    private final AckMode ackMode;
    private final boolean strictFlowControl;
    private final boolean followServerReference;
    private final List<UserProperty> connectUserProperties;
    private final EventLoopGroup eventLoopGroup;

    private MqttClientOptions(Builder b) {
        if (b.serverUris.isEmpty()) {
            throw new IllegalArgumentException("At least one server URI is needed, e.g. tcp://localhost:1883");
        }
        this.serverUris = List.copyOf(b.serverUris);
        this.clientId = b.clientId == null ? "" : b.clientId;
        this.version = b.version;
        this.cleanStart = b.cleanStart;
        this.sessionExpiryInterval = b.sessionExpiryInterval;
        this.userName = b.userName;
        this.password = b.password;
        this.keepAliveSeconds = b.keepAliveSeconds;
        this.connectTimeout = b.connectTimeout;
        this.will = b.will;
        this.receiveMaximum = b.receiveMaximum;
        // MQTT 3.1.1 brokers cannot tell us their limit; Mosquitto's default (20) silently drops QoS 2 beyond it.
        this.maxInflight = b.maxInflight != null ? b.maxInflight
                : version == MqttVersion.V5 ? DEFAULT_MAX_INFLIGHT_V5 : DEFAULT_MAX_INFLIGHT_V3;
        this.maximumPacketSize = b.maximumPacketSize;
        this.topicAliasMaximum = b.topicAliasMaximum;
        this.outboundTopicAliases = b.outboundTopicAliases;
        this.maxPendingPublishes = b.maxPendingPublishes;
        this.automaticReconnect = b.automaticReconnect;
        this.minReconnectDelay = b.minReconnectDelay;
        this.maxReconnectDelay = b.maxReconnectDelay;
        this.tls = b.tls;
        this.sessionStore = b.sessionStore;
        this.ackMode = b.ackMode;
        this.strictFlowControl = b.strictFlowControl;
        this.followServerReference = b.followServerReference;
        this.connectUserProperties = List.copyOf(b.connectUserProperties);
        this.eventLoopGroup = b.eventLoopGroup;
        if (clientId.isEmpty() && version == MqttVersion.V3_1_1 && !cleanStart) {
            throw new IllegalArgumentException(
                    "MQTT 3.1.1 needs a client id for a persistent session (cleanStart=false): set clientId");
        }
        if (minReconnectDelay.compareTo(maxReconnectDelay) > 0) {
            throw new IllegalArgumentException("minReconnectDelay " + minReconnectDelay
                    + " is larger than maxReconnectDelay " + maxReconnectDelay);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<URI> serverUris() {
        return serverUris;
    }

    public String clientId() {
        return clientId;
    }

    public MqttVersion version() {
        return version;
    }

    public boolean cleanStart() {
        return cleanStart;
    }

    public long sessionExpiryInterval() {
        return sessionExpiryInterval;
    }

    public String userName() {
        return userName;
    }

    public byte[] password() {
        return password;
    }

    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Will will() {
        return will;
    }

    public int receiveMaximum() {
        return receiveMaximum;
    }

    public int maxInflight() {
        return maxInflight;
    }

    public int maximumPacketSize() {
        return maximumPacketSize;
    }

    public int topicAliasMaximum() {
        return topicAliasMaximum;
    }

    public boolean outboundTopicAliases() {
        return outboundTopicAliases;
    }

    public int maxPendingPublishes() {
        return maxPendingPublishes;
    }

    public boolean automaticReconnect() {
        return automaticReconnect;
    }

    public Duration minReconnectDelay() {
        return minReconnectDelay;
    }

    public Duration maxReconnectDelay() {
        return maxReconnectDelay;
    }

    public TlsOptions tls() {
        return tls;
    }

    public Supplier<SessionStore> sessionStore() {
        return sessionStore;
    }

    public AckMode ackMode() {
        return ackMode;
    }

    /** Close the connection (0x93) when the broker exceeds our Receive Maximum, instead of tolerating it. */
    public boolean strictFlowControl() {
        return strictFlowControl;
    }

    public List<UserProperty> connectUserProperties() {
        return connectUserProperties;
    }

    /**
     * Whether a refusal or DISCONNECT with "use another server" (0x9C) / "server moved" (0x9D) and a Server
     * Reference sends the next attempt to that server (same scheme, TLS settings and credentials).
     */
    public boolean followServerReference() {
        return followServerReference;
    }

    /** A shared event loop group, or null when the client makes (and later shuts down) its own. */
    public EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    /** True when the session outlives the connection, i.e. the broker should keep it for us. */
    public boolean persistentSession() {
        return !cleanStart || (version == MqttVersion.V5 && sessionExpiryInterval > 0);
    }

    @Override
    public String toString() {
        return "MqttClientOptions[servers=" + serverUris + ", clientId=" + clientId + ", version=" + version
                + ", cleanStart=" + cleanStart + ", sessionExpiry=" + sessionExpiryInterval + ", userName=" + userName
                + ", password=" + (password == null ? "none" : "******") + ", keepAlive=" + keepAliveSeconds
                + ", receiveMaximum=" + receiveMaximum + ", maxInflight=" + maxInflight + ", ackMode=" + ackMode + "]";
    }

    public static final class Builder {
        private final List<URI> serverUris = new ArrayList<>();
        private String clientId;
        private MqttVersion version = MqttVersion.V5;
        private boolean cleanStart = true;
        private long sessionExpiryInterval;
        private String userName;
        private byte[] password;
        private int keepAliveSeconds = 60;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Will will;
        private int receiveMaximum = 100;
        private Integer maxInflight;
        private int maximumPacketSize = 16 * 1024 * 1024;
        private int topicAliasMaximum = 16;
        private boolean outboundTopicAliases;
        private int maxPendingPublishes = 10_000;
        private boolean automaticReconnect = true;
        private Duration minReconnectDelay = Duration.ofMillis(100);
        private Duration maxReconnectDelay = Duration.ofSeconds(30);
        private TlsOptions tls = TlsOptions.DEFAULT;
        private Supplier<SessionStore> sessionStore = MemorySessionStore::new;
        private AckMode ackMode = AckMode.MANUAL;
        private boolean strictFlowControl;
        private boolean followServerReference = true;
        private final List<UserProperty> connectUserProperties = new ArrayList<>();
        private EventLoopGroup eventLoopGroup;

        private Builder() {
        }

        /** tcp://, mqtt://, ssl:// or mqtts:// URIs; several mean fail-over in the given order. */
        public Builder serverUri(String uri) {
            URI parsed;
            try {
                parsed = new URI(uri.trim());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("Invalid broker URL '" + uri + "': " + e.getReason()
                        + "; expected tcp://host:port or ssl://host:port", e);
            }
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("tcp", "mqtt", "ssl", "mqtts", "tls").contains(scheme) || parsed.getHost() == null) {
                throw new IllegalArgumentException("Invalid broker URL '" + uri
                        + "': expected tcp://host:port or ssl://host:port");
            }
            serverUris.add(parsed);
            return this;
        }

        /** A comma-separated list of server URIs. */
        public Builder serverUris(String commaSeparated) {
            for (String part : commaSeparated.split(",")) {
                if (!part.isBlank()) {
                    serverUri(part);
                }
            }
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder version(MqttVersion version) {
            this.version = version;
            return this;
        }

        public Builder cleanStart(boolean cleanStart) {
            this.cleanStart = cleanStart;
            return this;
        }

        public Builder sessionExpiryInterval(long seconds) {
            if (seconds < 0 || seconds > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("sessionExpiryInterval must be 0..4294967295 seconds, was " + seconds);
            }
            this.sessionExpiryInterval = seconds;
            return this;
        }

        public Builder userName(String userName) {
            this.userName = userName;
            return this;
        }

        public Builder password(byte[] password) {
            this.password = password;
            return this;
        }

        public Builder keepAliveSeconds(int seconds) {
            if (seconds < 0 || seconds > 65535) {
                throw new IllegalArgumentException("keepAliveInterval must be 0..65535 seconds, was " + seconds);
            }
            this.keepAliveSeconds = seconds;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder will(Will will) {
            this.will = will;
            return this;
        }

        /** How many unacknowledged QoS 1/2 messages we hold at once (announced to MQTT 5 brokers). */
        public Builder receiveMaximum(int receiveMaximum) {
            if (receiveMaximum < 1 || receiveMaximum > 65535) {
                throw new IllegalArgumentException("receiveMaximum must be 1..65535, was " + receiveMaximum);
            }
            this.receiveMaximum = receiveMaximum;
            return this;
        }

        /**
         * Our cap on unacknowledged outbound QoS 1/2 messages; an MQTT 5 broker's Receive Maximum may lower it.
         * Default {@value #DEFAULT_MAX_INFLIGHT_V5} for MQTT 5 and {@value #DEFAULT_MAX_INFLIGHT_V3} for 3.1.1.
         */
        public Builder maxInflight(int maxInflight) {
            if (maxInflight < 1 || maxInflight > 65535) {
                throw new IllegalArgumentException("maxInflight must be 1..65535, was " + maxInflight);
            }
            this.maxInflight = maxInflight;
            return this;
        }

        public Builder maximumPacketSize(int bytes) {
            if (bytes < 16 || bytes > PROTOCOL_MAX_PACKET_SIZE) {
                throw new IllegalArgumentException("maximumPacketSize must be 16.." + PROTOCOL_MAX_PACKET_SIZE + ", was " + bytes);
            }
            this.maximumPacketSize = bytes;
            return this;
        }

        public Builder topicAliasMaximum(int max) {
            if (max < 0 || max > 65535) {
                throw new IllegalArgumentException("topicAliasMaximum must be 0..65535, was " + max);
            }
            this.topicAliasMaximum = max;
            return this;
        }

        public Builder outboundTopicAliases(boolean use) {
            this.outboundTopicAliases = use;
            return this;
        }

        /** Publishes accepted while the window is full or we are offline; beyond that publish() fails fast. */
        public Builder maxPendingPublishes(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxPendingPublishes must be >= 0, was " + max);
            }
            this.maxPendingPublishes = max;
            return this;
        }

        public Builder automaticReconnect(boolean reconnect) {
            this.automaticReconnect = reconnect;
            return this;
        }

        public Builder minReconnectDelay(Duration delay) {
            this.minReconnectDelay = positive("minReconnectDelay", delay);
            return this;
        }

        public Builder maxReconnectDelay(Duration delay) {
            this.maxReconnectDelay = positive("maxReconnectDelay", delay);
            return this;
        }

        public Builder tls(TlsOptions tls) {
            this.tls = tls;
            return this;
        }

        /** Where the session state lives; a supplier because the store is opened once per client. */
        public Builder sessionStore(Supplier<SessionStore> store) {
            this.sessionStore = store;
            return this;
        }

        public Builder ackMode(AckMode ackMode) {
            this.ackMode = ackMode;
            return this;
        }

        public Builder strictFlowControl(boolean strict) {
            this.strictFlowControl = strict;
            return this;
        }

        /**
         * Follow the Server Reference of a "use another server" / "server moved" answer (default true). The next
         * attempt keeps the scheme, TLS settings (host name verified against the new host) and credentials.
         */
        public Builder followServerReference(boolean follow) {
            this.followServerReference = follow;
            return this;
        }

        public Builder connectUserProperty(String key, String value) {
            this.connectUserProperties.add(new UserProperty(key, value));
            return this;
        }

        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = group;
            return this;
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
            }
            return value;
        }

        public MqttClientOptions build() {
            return new MqttClientOptions(this);
        }
    }
}
