package io.github.camelmqttbridge.mqtt.options;

import io.github.camelmqttbridge.mqtt.auth.CredentialsProvider;
import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.github.camelmqttbridge.mqtt.message.Will;
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

    private static final String EXPECTED_URLS =
            "expected tcp://host:port, ssl://host:port, ws://host:port/path or wss://host:port/path";

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
    private final boolean newClientId;
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
    // reaching the broker (issue 14): proxy, WebSocket, credentials per attempt, MQTT 5 enhanced authentication
    private final ProxyOptions proxy;
    private final WebSocketOptions webSocket;
    private final CredentialsProvider credentialsProvider;
    private final EnhancedAuthenticator enhancedAuthenticator;
    private final Duration reauthenticateInterval;

    private MqttClientOptions(Builder b) {
        if (b.serverUris.isEmpty()) {
            throw new IllegalArgumentException("At least one server URI is needed, e.g. tcp://localhost:1883");
        }
        this.serverUris = List.copyOf(b.serverUris);
        this.clientId = b.clientId == null ? "" : b.clientId;
        this.version = b.version;
        this.cleanStart = b.cleanStart;
        this.newClientId = b.newClientId;
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
        this.proxy = b.proxy;
        this.webSocket = b.webSocket;
        this.credentialsProvider = b.credentialsProvider;
        this.enhancedAuthenticator = b.enhancedAuthenticator;
        this.reauthenticateInterval = b.reauthenticateInterval;
        if (enhancedAuthenticator != null && version != MqttVersion.V5) {
            throw new IllegalArgumentException("Enhanced authentication (" + enhancedAuthenticator.method()
                    + ") needs MQTT 5: set the protocol version to 5");
        }
        if (!reauthenticateInterval.isZero() && enhancedAuthenticator == null) {
            throw new IllegalArgumentException("reauthenticateInterval needs an enhanced authenticator (authMethod)");
        }
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

    /** The proxy every connection goes through; {@link ProxyOptions#NONE} by default. */
    public ProxyOptions proxy() {
        return proxy;
    }

    /** Settings for ws:// and wss:// server URIs. */
    public WebSocketOptions webSocket() {
        return webSocket;
    }

    /** Supplies user name and password before every connection attempt instead of the fixed ones; or null. */
    public CredentialsProvider credentialsProvider() {
        return credentialsProvider;
    }

    /** MQTT 5 enhanced authentication at connect and on {@code MqttClient.reauthenticate()}; or null. */
    public EnhancedAuthenticator enhancedAuthenticator() {
        return enhancedAuthenticator;
    }

    /** How often a live connection re-authenticates (enhanced authentication); zero: only when asked. */
    public Duration reauthenticateInterval() {
        return reauthenticateInterval;
    }

    /**
     * The Clean Start flag of one CONNECT. The first connection after {@code connect()} sends the configured flag; an
     * automatic reconnect of an MQTT 5 client sends false, so that the session (kept by the Session Expiry Interval)
     * and the messages the broker holds in it survive a lost connection. MQTT 3.1.1 has no expiry: a clean session
     * ends with its connection, and Clean Session 0 on a reconnect would open a session that never ends, so 3.1.1
     * sends the configured flag every time.
     */
    public boolean cleanStart(boolean reconnect) {
        return cleanStart && !((reconnect || newClientId) && version == MqttVersion.V5);
    }

    /**
     * The client id was made up for this client alone (e.g. generated per start), so no session can exist under it:
     * on MQTT 5 even the first CONNECT then sends Clean Start 0. It opens a new session all the same, and Mosquitto
     * 2.0 writes a session to its persistence file only when it was opened with Clean Start 0, so the session then
     * survives a broker restart too.
     */
    public boolean newClientId() {
        return newClientId;
    }

    /**
     * Whether a deliberate {@code disconnect()} ends the session at once (MQTT 5 DISCONNECT with Session Expiry 0):
     * with cleanStart the next {@code connect()} would discard it anyway, so only reconnects need it to outlive the
     * connection, and ending it spares the broker a session nobody resumes.
     */
    public boolean endSessionOnDisconnect() {
        return cleanStart && version == MqttVersion.V5 && sessionExpiryInterval > 0;
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
                + ", receiveMaximum=" + receiveMaximum + ", maxInflight=" + maxInflight + ", ackMode=" + ackMode
                + (proxy.type() == ProxyOptions.Type.NONE ? "" : ", proxy=" + proxy)
                + (credentialsProvider == null ? "" : ", credentialsProvider=yes")
                + (enhancedAuthenticator == null ? "" : ", authMethod=" + enhancedAuthenticator.method()) + "]";
    }

    public static final class Builder {
        private final List<URI> serverUris = new ArrayList<>();
        private String clientId;
        private MqttVersion version = MqttVersion.V5;
        private boolean cleanStart = true;
        private boolean newClientId;
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
        private ProxyOptions proxy = ProxyOptions.NONE;
        private WebSocketOptions webSocket = WebSocketOptions.DEFAULT;
        private CredentialsProvider credentialsProvider;
        private EnhancedAuthenticator enhancedAuthenticator;
        private Duration reauthenticateInterval = Duration.ZERO;

        private Builder() {
        }

        /**
         * tcp://, mqtt://, ssl:// (mqtts://, tls://), ws:// or wss:// URIs (WebSocket with a path, e.g.
         * {@code wss://broker:443/mqtt}; /mqtt when none is given); several mean fail-over in the given order.
         */
        public Builder serverUri(String uri) {
            URI parsed;
            try {
                parsed = new URI(uri.trim());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("Invalid broker URL '" + uri + "': " + e.getReason()
                        + "; " + EXPECTED_URLS, e);
            }
            String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("tcp", "mqtt", "ssl", "mqtts", "tls", "ws", "wss").contains(scheme) || parsed.getHost() == null) {
                throw new IllegalArgumentException("Invalid broker URL '" + uri + "': " + EXPECTED_URLS);
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

        /** See {@link MqttClientOptions#newClientId()}. */
        public Builder newClientId(boolean newClientId) {
            this.newClientId = newClientId;
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

        public Builder proxy(ProxyOptions proxy) {
            this.proxy = proxy == null ? ProxyOptions.NONE : proxy;
            return this;
        }

        public Builder webSocket(WebSocketOptions webSocket) {
            this.webSocket = webSocket == null ? WebSocketOptions.DEFAULT : webSocket;
            return this;
        }

        /** Asked before every connection attempt; its answer replaces {@link #userName} and {@link #password}. */
        public Builder credentialsProvider(CredentialsProvider provider) {
            this.credentialsProvider = provider;
            return this;
        }

        /** MQTT 5 enhanced authentication (e.g. {@link io.github.camelmqttbridge.mqtt.auth.ScramAuthenticator}). */
        public Builder enhancedAuthenticator(EnhancedAuthenticator authenticator) {
            this.enhancedAuthenticator = authenticator;
            return this;
        }

        /** Re-authenticate a live connection this often (needs an enhanced authenticator); zero or null: never. */
        public Builder reauthenticateInterval(Duration interval) {
            if (interval != null && interval.isNegative()) {
                throw new IllegalArgumentException("reauthenticateInterval must not be negative, was " + interval);
            }
            this.reauthenticateInterval = interval == null ? Duration.ZERO : interval;
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
