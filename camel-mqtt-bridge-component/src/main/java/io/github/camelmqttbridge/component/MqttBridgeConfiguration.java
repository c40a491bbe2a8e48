package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.component.consumer.Ordering;
import io.github.camelmqttbridge.mqtt.auth.CredentialsProvider;
import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import java.util.Map;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The options of an mqtt-bridge endpoint. The component holds one instance as shared defaults; every endpoint
 * works on a {@link #copy()} and may override any option. Where Camel's paho-mqtt5 component has an option with
 * the same meaning, the name is the same so that a route can switch scheme without other changes.
 */
@UriParams
public class MqttBridgeConfiguration implements Cloneable, HeaderFilterStrategyAware {

    // ---- common ----
    @UriParam(defaultValue = "tcp://localhost:1883", label = "common",
            description = "The URL of the MQTT broker: tcp://host:port, ssl://host:port (TLS), ws://host:port/path or"
                    + " wss://host:port/path (MQTT over WebSocket, e.g. wss://broker:443/mqtt; path /mqtt when none is"
                    + " given; wss uses the same TLS options as ssl). A comma-separated list means fail-over: the"
                    + " servers are tried in the given order.")
    private String brokerUrl = "tcp://localhost:1883";
    @UriParam(label = "common",
            description = "MQTT client identifier; must be unique per broker. When not set a random one is generated"
                    + " (mqtt-bridge- followed by a random suffix) for each start; its session still survives a lost"
                    + " connection, but not a restart. A session meant to be resumed by a later start (cleanStart=false,"
                    + " or an explicitly set sessionExpiryInterval greater than 0) or persistence=file needs an explicit"
                    + " clientId, because the session is found again by it.")
    private String clientId;
    @UriParam(defaultValue = "2", enums = "0,1,2", label = "common",
            description = "Quality of service: the QoS of the subscriptions (consumer) or of published messages"
                    + " (producer, overridable per message with the CamelMqttBridgeQos header).")
    private int qos = 2;
    @UriParam(defaultValue = "5", enums = "3.1.1,5", label = "common",
            description = "The MQTT protocol version: 3.1.1 or 5. MQTT 5 properties (user properties, content type,"
                    + " response topic, ...) and subscription options are ignored on 3.1.1.")
    private String protocolVersion = "5";
    @UriParam(defaultValue = "true", label = "common",
            description = "Whether the broker starts a new session when the consumer or producer starts (true) or"
                    + " resumes the stored one (false). On MQTT 5 it applies to the first connection only: an automatic"
                    + " reconnect always resumes the session (Clean Start 0), so what the broker held for us while the"
                    + " connection was down is not lost. On MQTT 3.1.1 a clean session ends with every connection, so a"
                    + " reconnect there loses what the broker held (a warning says so at start). A consumer that must"
                    + " not lose messages while it is stopped uses cleanStart=false with an explicit clientId (and, on"
                    + " MQTT 5, a sessionExpiryInterval long enough for the downtime).")
    private boolean cleanStart = true;
    @UriParam(defaultValue = "-1", label = "common",
            description = "MQTT 5 Session Expiry Interval in seconds: how long the broker keeps the session after the"
                    + " connection closed. 0 ends it with the connection (a reconnect then loses what the broker held),"
                    + " 4294967295 means never. -1 (default, paho-mqtt5's 'not set'): 600 s, long enough to outlive a"
                    + " reconnect (keep-alive detection, back-off, a broker restart); with cleanStart=true a graceful stop"
                    + " ends the session at once (DISCONNECT with Session Expiry 0), after a crash the broker drops it"
                    + " when the interval has passed.")
    private long sessionExpiryInterval = -1;
    @UriParam(defaultValue = "60", label = "common",
            description = "Keep alive interval in seconds: the longest time without a packet before the client pings;"
                    + " 0 switches keep-alive off.")
    private int keepAliveInterval = 60;
    @UriParam(defaultValue = "30", label = "common",
            description = "Connection timeout in seconds: how long to wait for the TCP/TLS connection and the CONNACK.")
    private int connectionTimeout = 30;
    @UriParam(defaultValue = "true", label = "common",
            description = "Whether the client reconnects automatically after a lost connection, with exponential"
                    + " back-off and jitter between minReconnectDelay and maxReconnectDelay.")
    private boolean automaticReconnect = true;
    @UriParam(defaultValue = "100", label = "common,advanced",
            description = "The shortest wait in milliseconds before a reconnect attempt.")
    private long minReconnectDelay = 100;
    @UriParam(defaultValue = "30000", label = "common",
            description = "The longest wait in milliseconds between reconnect attempts.")
    private long maxReconnectDelay = 30000;
    @UriParam(defaultValue = "memory", enums = "memory,file", label = "common",
            description = "Where the client keeps its session state (outbound messages in flight, QoS 2 packet ids"
                    + " awaiting release, subscriptions): memory, or file to survive a JVM crash or restart. file needs"
                    + " an explicit clientId. Case-insensitive (paho-mqtt5's MEMORY / FILE work too).")
    private String persistence = "memory";
    @UriParam(label = "common",
            description = "Base directory of the file persistence; each client id gets its own sub-directory. Default:"
                    + " the directory mqtt-bridge-store under the user's working directory.")
    private String persistenceDirectory;
    @UriParam(defaultValue = "never", enums = "always,batch,never", label = "common",
            description = "With persistence=file: when the session store's records are forced from the operating"
                    + " system's page cache to the disk. Every value survives a crash or kill -9 of the JVM. never: left"
                    + " to the OS; a power loss or kernel crash can lose the last changes (a QoS 1/2 message may then be"
                    + " sent or delivered twice). batch: a background thread forces the log about once a second;"
                    + " nothing waits for it. always: every record is on disk before a packet that depends on it is sent"
                    + " (one fsync per network flush, on the client's event loop); survives a power loss. The README"
                    + " gives the measured cost of each.")
    private String persistenceSync = "never";
    @UriParam(defaultValue = "100", label = "common",
            description = "The most exchanges in flight. Consumer: the receive window is min(receiveMaximum,"
                    + " maxInflight) unacknowledged messages; it is announced to the broker as MQTT 5 Receive Maximum"
                    + " and, when it is full, the client stops reading from the socket so the broker holds the rest"
                    + " (backpressure). Producer: the most QoS 1/2 publishes awaiting PUBACK/PUBCOMP (the broker's"
                    + " Receive Maximum may lower it); further publishes wait.")
    private int maxInflight = 100;
    @UriParam(defaultValue = "16777216", label = "common,advanced",
            description = "The largest MQTT packet in bytes the client accepts (announced on MQTT 5); larger packets"
                    + " close the connection.")
    private int maximumPacketSize = 16 * 1024 * 1024;

    // ---- will ----
    @UriParam(label = "common,will", description = "Topic of the last will, published by the broker if the client"
            + " vanishes without DISCONNECT. No will when not set.")
    private String willTopic;
    @UriParam(label = "common,will", description = "Payload of the last will (UTF-8 text).")
    private String willPayload;
    @UriParam(defaultValue = "1", enums = "0,1,2", label = "common,will", description = "QoS of the last will.")
    private int willQos = 1;
    @UriParam(defaultValue = "false", label = "common,will", description = "Whether the last will is retained.")
    private boolean willRetained;
    @UriParam(defaultValue = "0", label = "common,will", description = "MQTT 5 Will Delay Interval in seconds: how long"
            + " the broker waits after the connection was lost before publishing the will.")
    private long willDelayInterval;

    // ---- consumer ----
    @UriParam(defaultValue = "afterProcessing", enums = "afterProcessing,onReceive", label = "consumer",
            description = "When a QoS 1/2 message is acknowledged (PUBACK / PUBREC) to the broker. afterProcessing: only"
                    + " when the exchange completed successfully, i.e. after the route committed it (a dead letter"
                    + " channel that handled the failure counts as success); a failed exchange is not acknowledged and"
                    + " is redelivered to the route (see redeliveryDelay). onReceive: as soon as the message arrived"
                    + " (fire and forget; a failed exchange is then lost).")
    private String ackMode = "afterProcessing";
    @UriParam(defaultValue = "65535", label = "consumer",
            description = "MQTT 5 Receive Maximum: the most unacknowledged QoS 1/2 messages the broker may send us. The"
                    + " consumer's window is min(receiveMaximum, maxInflight).")
    private int receiveMaximum = 65535;
    @UriParam(defaultValue = "1000", label = "consumer",
            description = "Failure policy (ackMode=afterProcessing): milliseconds before a message whose exchange failed"
                    + " is processed again. The delay doubles with every further failure of the same message up to"
                    + " maxRedeliveryDelay. MQTT has no negative acknowledgement: the message stays unacknowledged (the"
                    + " broker still owns it) and is given to the route again. Its ordering key pauses meanwhile: no new"
                    + " message of that key starts until the failed one succeeded or was given up (ordering=pipelined or"
                    + " strict). Each failure is logged once at WARN with topic and error.")
    private long redeliveryDelay = 1000;
    @UriParam(defaultValue = "60000", label = "consumer",
            description = "The longest delay in milliseconds between two redeliveries of a failed message.")
    private long maxRedeliveryDelay = 60000;
    @UriParam(defaultValue = "-1", label = "consumer",
            description = "How often a failed message is redelivered to the route; -1 (default) means until it"
                    + " succeeds, so nothing is lost. When the limit is reached the message is logged at ERROR and"
                    + " acknowledged, i.e. dropped: use a dead letter channel instead if it must be kept.")
    private int maximumRedeliveries = -1;
    @UriParam(defaultValue = "pipelined", enums = "pipelined,strict,none", label = "consumer",
            description = "In which order messages of one ordering key (see orderingKey; default: the topic) enter the"
                    + " route. pipelined (default): in arrival order, and the next may start as soon as the previous one"
                    + " was handed to an asynchronous step (e.g. a Kafka producer with synchronous=false) - up to"
                    + " pipelineDepth of them in the route at once, so one busy topic is not one sink round trip per"
                    + " message; a sink that keeps the order of what it was handed (Kafka's idempotent producer, per"
                    + " partition) keeps arrival order. With a route that does not go asynchronous this is the same as"
                    + " strict. strict: the next message of a key starts only when the previous exchange completed (for"
                    + " asynchronous sinks that may reorder what they were handed, e.g. an asynchronous HTTP client)."
                    + " none: no order at all (same as parallelProcessing=true). After a failure the key pauses in both"
                    + " ordered modes (see redeliveryDelay); acknowledgements always leave in arrival order.")
    private String ordering = "pipelined";
    @UriParam(defaultValue = "topic", label = "consumer",
            description = "What the messages that must stay in order have in common: topic (default; each MQTT topic"
                    + " in its own order, different topics run in parallel), consumer (everything this consumer"
                    + " receives in one order), or userProperty:<name> (messages with the same value of that MQTT 5 user"
                    + " property, e.g. userProperty:deviceId; a message without it is ordered by its topic).")
    private String orderingKey = "topic";
    @UriParam(defaultValue = "0", label = "consumer,advanced",
            description = "ordering=pipelined: the most messages of one ordering key in the route at once (handed to"
                    + " an asynchronous step and not completed). 0 (default): no limit of its own; the receive window"
                    + " min(receiveMaximum, maxInflight) bounds it.")
    private int pipelineDepth;
    @UriParam(defaultValue = "false", label = "consumer",
            description = "true is the same as ordering=none: messages are processed concurrently (up to the window and"
                    + " poolSize), without any order. Kept for compatibility; use ordering.")
    private boolean parallelProcessing;
    @UriParam(defaultValue = "10", label = "consumer,advanced",
            description = "Threads of the consumer's pool that create the exchanges and run the route up to its first"
                    + " asynchronous step (the MQTT event loop never runs route code). A route that blocks (a file, a"
                    + " synchronous HTTP call) runs up to this many exchanges at once, of different ordering keys; a"
                    + " route that hands off to an asynchronous sink needs one or two of them, which take whole bursts"
                    + " without a thread wake-up per message.")
    private int poolSize = 10;
    @UriParam(defaultValue = "false", label = "consumer",
            description = "MQTT 5 subscription option No Local: do not receive messages published by this same client.")
    private boolean noLocal;
    @UriParam(defaultValue = "false", label = "consumer",
            description = "MQTT 5 subscription option Retain As Published: keep the retain flag as the publisher set it.")
    private boolean retainAsPublished;
    @UriParam(defaultValue = "0", enums = "0,1,2", label = "consumer",
            description = "MQTT 5 subscription option Retain Handling: 0 send retained messages on subscribe, 1 only"
                    + " when the subscription is new, 2 never.")
    private int retainHandling;
    @UriParam(label = "consumer",
            description = "Subscribe as a member of this MQTT 5 shared subscription group: each filter f becomes"
                    + " $share/<group>/f, and the broker spreads the messages over the group's members.")
    private String sharedSubscriptionGroup;

    // ---- headers ----
    @UriParam(label = "common,advanced",
            description = "To use a custom HeaderFilterStrategy to filter headers to and from MQTT 5 user properties"
                    + " (applied when userPropertiesAsHeaders or headersAsUserProperties is on). The default,"
                    + " MqttBridgeHeaderFilterStrategy, filters every name that Camel or a common component acts on"
                    + " (Camel*, org.apache.camel.*, kafka.*, JMS*, Content-Type, Host, Authorization, To, ...), compared"
                    + " case-insensitively as Camel's headers are. Names in Camel's namespace (Camel*, org.apache.camel.*)"
                    + " never cross, whatever the strategy.")
    private HeaderFilterStrategy headerFilterStrategy = new MqttBridgeHeaderFilterStrategy();
    @UriParam(defaultValue = "false", label = "consumer",
            description = "Whether each MQTT 5 user property also becomes a message header under its own name (unless"
                    + " a header of that name exists). They are always in the header CamelMqttBridgeUserProperties (a"
                    + " map). Off by default: user properties come from whoever may publish, and a header can steer a"
                    + " route; when on, only names the headerFilterStrategy lets through become headers.")
    private boolean userPropertiesAsHeaders;
    @UriParam(defaultValue = "false", label = "producer",
            description = "Whether message headers are also published as MQTT 5 user properties (besides the map in"
                    + " CamelMqttBridgeUserProperties, which is always sent): each header the headerFilterStrategy lets"
                    + " through whose value is text, a number, a boolean or an enum. Off by default, so that the route's"
                    + " own headers do not leave it.")
    private boolean headersAsUserProperties;
    @UriParam(defaultValue = "auto", enums = "auto,on,off", label = "common",
            description = "W3C trace context (traceparent, tracestate) in MQTT 5 user properties, so that a trace runs"
                    + " from the publisher through the route to the subscriber. auto (default): when a Camel tracer"
                    + " (camel-opentelemetry, camel-opentelemetry2, ...) is registered when the consumer or producer"
                    + " starts; on: always; off: never. Consumer: only the user properties traceparent and tracestate"
                    + " are read, checked against the W3C format (anything else is dropped) and set as the headers of"
                    + " those names, where the tracer finds the parent. Producer: the headers traceparent / tracestate"
                    + " (as the tracer injected them) are published as user properties, replacing those names of"
                    + " CamelMqttBridgeUserProperties. Nothing is added for MQTT 3.1.1 or when inactive.")
    private String traceContext = "auto";

    // ---- producer ----
    @UriParam(defaultValue = "false", label = "producer",
            description = "Whether published messages are retained (overridable per message with CamelMqttBridgeRetained).")
    private boolean retained;
    @UriParam(label = "producer",
            description = "Request/reply (InOut exchanges, MQTT 5): the topic replies are expected on; the producer"
                    + " subscribes to it and sends it as Response Topic together with a Correlation Data. Default:"
                    + " <clientId>/replies.")
    private String responseTopic;
    @UriParam(defaultValue = "30000", label = "producer",
            description = "Request/reply: milliseconds to wait for the reply before the exchange fails with a timeout.")
    private long requestTimeout = 30000;

    // ---- security ----
    @UriParam(label = "security", secret = true, description = "User name for authentication against the broker.")
    private String userName;
    @UriParam(label = "security", secret = true, description = "Password for authentication against the broker.")
    private String password;
    @UriParam(label = "security",
            description = "TLS configuration (Camel's SSLContextParameters) for ssl:// broker URLs. Without it the JVM's"
                    + " default trust store is used.")
    private SSLContextParameters sslContextParameters;
    @UriParam(defaultValue = "true", label = "security",
            description = "Whether the broker's TLS certificate must match its host name. Switch off only for tests.")
    private boolean hostnameVerification = true;
    @UriParam(label = "security",
            description = "MQTT 5 enhanced authentication method (sent in CONNECT as Authentication Method). SCRAM-SHA-256"
                    + " and SCRAM-SHA-512 are built in and use userName and password: the password is then never sent"
                    + " to the broker, and the broker must prove it knows it (its server signature is checked). Any"
                    + " other method needs an enhancedAuthenticator bean. Needs protocolVersion=5.")
    private String authMethod;
    @UriParam(label = "security",
            description = "MQTT 5 enhanced authentication: a bean (#bean:name or #name) implementing"
                    + " io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator - the method name, the initial data,"
                    + " the answer to each AUTH challenge of the broker and the check of its final data. Used at every"
                    + " connect and re-authentication.")
    private EnhancedAuthenticator enhancedAuthenticator;
    @UriParam(defaultValue = "0", label = "security",
            description = "MQTT 5 enhanced authentication: re-authenticate the live connection (AUTH 0x19) every so"
                    + " many milliseconds, e.g. before a token the authenticator presents expires. 0 (default): never.")
    private long reauthenticateInterval;
    @UriParam(label = "security",
            description = "A bean (#bean:name or #name) implementing io.github.camelmqttbridge.mqtt.auth.CredentialsProvider:"
                    + " asked for user name and password (or token) before every connection attempt, so an expiring"
                    + " token is renewed on each (re)connect. Replaces userName and password. Called off the network"
                    + " thread; may block briefly (bounded by connectionTimeout).")
    private CredentialsProvider credentialsProvider;

    // ---- proxy ----
    @UriParam(defaultValue = "none", enums = "none,http,socks5,system", label = "proxy",
            description = "Reach the broker through a proxy, for every URL scheme (tcp, ssl, ws, wss). none: directly."
                    + " http: an HTTP proxy that tunnels with CONNECT (Basic credentials). socks5: a SOCKS5 proxy (user"
                    + " name / password). system: the JVM's proxy settings per broker - socksProxyHost/socksProxyPort"
                    + " (as for any Java socket), else https.proxyHost/https.proxyPort, honouring http.nonProxyHosts and"
                    + " java.net.useSystemProxies; credentials from proxyUserName/proxyPassword, else"
                    + " java.net.socks.username/password (SOCKS), else the default java.net.Authenticator.")
    private String proxyType = "none";
    @UriParam(label = "proxy", description = "Host name of the proxy (proxyType http or socks5).")
    private String proxyHost;
    @UriParam(label = "proxy", description = "Port of the proxy (proxyType http or socks5).")
    private int proxyPort;
    @UriParam(label = "proxy,security", secret = true, description = "User name for the proxy.")
    private String proxyUserName;
    @UriParam(label = "proxy,security", secret = true, description = "Password for the proxy.")
    private String proxyPassword;

    // ---- WebSocket ----
    @UriParam(label = "advanced",
            description = "ws:// and wss:// only: extra HTTP headers of the WebSocket upgrade request (e.g. an"
                    + " Authorization header a gateway wants), as a Map bean. Values are never logged.")
    private Map<String, String> customWebSocketHeaders;
    @UriParam(label = "advanced",
            description = "ws:// and wss:// only: the WebSocket subprotocols to offer, comma-separated, in order of"
                    + " preference. Default (empty): mqtt for MQTT 5; mqtt,mqttv3.1 for MQTT 3.1.1 (older brokers know"
                    + " only the second name).")
    private String webSocketSubprotocols;
    @UriParam(defaultValue = "true", label = "security,advanced",
            description = "Whether an MQTT 5 broker that answers \"use another server\" (0x9C) or \"server moved\" (0x9D)"
                    + " with a Server Reference sends the next connection attempt there, with the same scheme, TLS"
                    + " settings and credentials. Switch off to stay with the configured brokerUrl servers only.")
    private boolean followServerReference = true;

    public boolean isFollowServerReference() {
        return followServerReference;
    }

    public void setFollowServerReference(boolean followServerReference) {
        this.followServerReference = followServerReference;
    }

    public MqttBridgeConfiguration copy() {
        try {
            return (MqttBridgeConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /**
     * The MQTT 5 Session Expiry Interval sent when {@code sessionExpiryInterval} is not set (-1): long enough to outlive
     * a reconnect (keep-alive detection, the reconnect back-off up to maxReconnectDelay, a broker restart), short
     * enough that the session of a consumer that crashed does not pile up messages on the broker for long.
     */
    public static final long RECONNECT_SESSION_EXPIRY_SECONDS = 600;

    /** The Session Expiry Interval sent to the broker: the configured one, or when not set (-1) 600 s. */
    public long effectiveSessionExpiryInterval() {
        return sessionExpiryInterval < 0 ? RECONNECT_SESSION_EXPIRY_SECONDS : sessionExpiryInterval;
    }

    /**
     * True when the session is meant to be resumed by a later start (needs a stable client id): cleanStart=false, or an
     * explicitly set sessionExpiryInterval &gt; 0.
     */
    public boolean isPersistentSession() {
        return !cleanStart || sessionExpiryInterval > 0;
    }

    public boolean isFilePersistence() {
        return "file".equalsIgnoreCase(persistence == null ? "" : persistence.trim());
    }

    public boolean isAckAfterProcessing() {
        return !"onReceive".equalsIgnoreCase(ackMode == null ? "" : ackMode.trim());
    }

    @Override
    public String toString() {
        // Never show credentials.
        return "MqttBridgeConfiguration[brokerUrl=" + brokerUrl + ", clientId=" + clientId + ", protocolVersion="
                + protocolVersion + ", qos=" + qos + ", cleanStart=" + cleanStart + ", ackMode=" + ackMode
                + ", userName=" + (userName == null ? "none" : "******") + ", password="
                + (password == null ? "none" : "******") + ", authMethod=" + authMethod + ", proxyType=" + proxyType
                + (proxyPassword == null ? "" : ", proxyPassword=******") + "]";
    }

    // ---- getters / setters ----

    public String getBrokerUrl() {
        return brokerUrl;
    }

    public void setBrokerUrl(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public int getQos() {
        return qos;
    }

    public void setQos(int qos) {
        this.qos = qos;
    }

    public String getProtocolVersion() {
        return protocolVersion;
    }

    public void setProtocolVersion(String protocolVersion) {
        this.protocolVersion = protocolVersion;
    }

    public boolean isCleanStart() {
        return cleanStart;
    }

    public void setCleanStart(boolean cleanStart) {
        this.cleanStart = cleanStart;
    }

    public long getSessionExpiryInterval() {
        return sessionExpiryInterval;
    }

    public void setSessionExpiryInterval(long sessionExpiryInterval) {
        this.sessionExpiryInterval = sessionExpiryInterval;
    }

    public int getKeepAliveInterval() {
        return keepAliveInterval;
    }

    public void setKeepAliveInterval(int keepAliveInterval) {
        this.keepAliveInterval = keepAliveInterval;
    }

    public int getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(int connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    public boolean isAutomaticReconnect() {
        return automaticReconnect;
    }

    public void setAutomaticReconnect(boolean automaticReconnect) {
        this.automaticReconnect = automaticReconnect;
    }

    public long getMinReconnectDelay() {
        return minReconnectDelay;
    }

    public void setMinReconnectDelay(long minReconnectDelay) {
        this.minReconnectDelay = minReconnectDelay;
    }

    public long getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(long maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public String getPersistence() {
        return persistence;
    }

    public void setPersistence(String persistence) {
        this.persistence = persistence;
    }

    public String getPersistenceDirectory() {
        return persistenceDirectory;
    }

    public void setPersistenceDirectory(String persistenceDirectory) {
        this.persistenceDirectory = persistenceDirectory;
    }

    public String getPersistenceSync() {
        return persistenceSync;
    }

    public void setPersistenceSync(String persistenceSync) {
        this.persistenceSync = persistenceSync;
    }

    public int getMaxInflight() {
        return maxInflight;
    }

    public void setMaxInflight(int maxInflight) {
        this.maxInflight = maxInflight;
    }

    public int getMaximumPacketSize() {
        return maximumPacketSize;
    }

    public void setMaximumPacketSize(int maximumPacketSize) {
        this.maximumPacketSize = maximumPacketSize;
    }

    public String getWillTopic() {
        return willTopic;
    }

    public void setWillTopic(String willTopic) {
        this.willTopic = willTopic;
    }

    public String getWillPayload() {
        return willPayload;
    }

    public void setWillPayload(String willPayload) {
        this.willPayload = willPayload;
    }

    public int getWillQos() {
        return willQos;
    }

    public void setWillQos(int willQos) {
        this.willQos = willQos;
    }

    public boolean isWillRetained() {
        return willRetained;
    }

    public void setWillRetained(boolean willRetained) {
        this.willRetained = willRetained;
    }

    public long getWillDelayInterval() {
        return willDelayInterval;
    }

    public void setWillDelayInterval(long willDelayInterval) {
        this.willDelayInterval = willDelayInterval;
    }

    public String getAckMode() {
        return ackMode;
    }

    public void setAckMode(String ackMode) {
        this.ackMode = ackMode;
    }

    public int getReceiveMaximum() {
        return receiveMaximum;
    }

    public void setReceiveMaximum(int receiveMaximum) {
        this.receiveMaximum = receiveMaximum;
    }

    public long getRedeliveryDelay() {
        return redeliveryDelay;
    }

    public void setRedeliveryDelay(long redeliveryDelay) {
        this.redeliveryDelay = redeliveryDelay;
    }

    public long getMaxRedeliveryDelay() {
        return maxRedeliveryDelay;
    }

    public void setMaxRedeliveryDelay(long maxRedeliveryDelay) {
        this.maxRedeliveryDelay = maxRedeliveryDelay;
    }

    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }

    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    public boolean isParallelProcessing() {
        return parallelProcessing;
    }

    public void setParallelProcessing(boolean parallelProcessing) {
        this.parallelProcessing = parallelProcessing;
    }

    public String getOrdering() {
        return ordering;
    }

    public void setOrdering(String ordering) {
        this.ordering = ordering;
    }

    public String getOrderingKey() {
        return orderingKey;
    }

    public void setOrderingKey(String orderingKey) {
        this.orderingKey = orderingKey;
    }

    public int getPipelineDepth() {
        return pipelineDepth;
    }

    public void setPipelineDepth(int pipelineDepth) {
        this.pipelineDepth = pipelineDepth;
    }

    /**
     * The ordering to use: {@code ordering}, or none when the older {@code parallelProcessing=true} is set.
     *
     * @throws IllegalArgumentException for an unknown value, or parallelProcessing=true with ordering=strict
     */
    public Ordering effectiveOrdering() {
        Ordering o = Ordering.of(ordering);
        if (parallelProcessing) {
            if (o == Ordering.STRICT) {
                throw new IllegalArgumentException("parallelProcessing=true contradicts ordering=strict: use ordering=none"
                        + " for no order, or drop parallelProcessing");
            }
            return Ordering.NONE;
        }
        return o;
    }

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public boolean isNoLocal() {
        return noLocal;
    }

    public void setNoLocal(boolean noLocal) {
        this.noLocal = noLocal;
    }

    public boolean isRetainAsPublished() {
        return retainAsPublished;
    }

    public void setRetainAsPublished(boolean retainAsPublished) {
        this.retainAsPublished = retainAsPublished;
    }

    public int getRetainHandling() {
        return retainHandling;
    }

    public void setRetainHandling(int retainHandling) {
        this.retainHandling = retainHandling;
    }

    public String getSharedSubscriptionGroup() {
        return sharedSubscriptionGroup;
    }

    public void setSharedSubscriptionGroup(String sharedSubscriptionGroup) {
        this.sharedSubscriptionGroup = sharedSubscriptionGroup;
    }

    public boolean isRetained() {
        return retained;
    }

    public void setRetained(boolean retained) {
        this.retained = retained;
    }

    public String getResponseTopic() {
        return responseTopic;
    }

    public void setResponseTopic(String responseTopic) {
        this.responseTopic = responseTopic;
    }

    public long getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(long requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public String getUserName() {
        return userName;
    }

    public void setUserName(String userName) {
        this.userName = userName;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public boolean isHostnameVerification() {
        return hostnameVerification;
    }

    public void setHostnameVerification(boolean hostnameVerification) {
        this.hostnameVerification = hostnameVerification;
    }

    public String getAuthMethod() {
        return authMethod;
    }

    public void setAuthMethod(String authMethod) {
        this.authMethod = authMethod;
    }

    public EnhancedAuthenticator getEnhancedAuthenticator() {
        return enhancedAuthenticator;
    }

    public void setEnhancedAuthenticator(EnhancedAuthenticator enhancedAuthenticator) {
        this.enhancedAuthenticator = enhancedAuthenticator;
    }

    public long getReauthenticateInterval() {
        return reauthenticateInterval;
    }

    public void setReauthenticateInterval(long reauthenticateInterval) {
        this.reauthenticateInterval = reauthenticateInterval;
    }

    public CredentialsProvider getCredentialsProvider() {
        return credentialsProvider;
    }

    public void setCredentialsProvider(CredentialsProvider credentialsProvider) {
        this.credentialsProvider = credentialsProvider;
    }

    public String getProxyType() {
        return proxyType;
    }

    public void setProxyType(String proxyType) {
        this.proxyType = proxyType;
    }

    public String getProxyHost() {
        return proxyHost;
    }

    public void setProxyHost(String proxyHost) {
        this.proxyHost = proxyHost;
    }

    public int getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(int proxyPort) {
        this.proxyPort = proxyPort;
    }

    public String getProxyUserName() {
        return proxyUserName;
    }

    public void setProxyUserName(String proxyUserName) {
        this.proxyUserName = proxyUserName;
    }

    public String getProxyPassword() {
        return proxyPassword;
    }

    public void setProxyPassword(String proxyPassword) {
        this.proxyPassword = proxyPassword;
    }

    public Map<String, String> getCustomWebSocketHeaders() {
        return customWebSocketHeaders;
    }

    public void setCustomWebSocketHeaders(Map<String, String> customWebSocketHeaders) {
        this.customWebSocketHeaders = customWebSocketHeaders;
    }

    public String getWebSocketSubprotocols() {
        return webSocketSubprotocols;
    }

    public void setWebSocketSubprotocols(String webSocketSubprotocols) {
        this.webSocketSubprotocols = webSocketSubprotocols;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return headerFilterStrategy;
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        this.headerFilterStrategy = headerFilterStrategy;
    }

    public boolean isUserPropertiesAsHeaders() {
        return userPropertiesAsHeaders;
    }

    public void setUserPropertiesAsHeaders(boolean userPropertiesAsHeaders) {
        this.userPropertiesAsHeaders = userPropertiesAsHeaders;
    }

    public boolean isHeadersAsUserProperties() {
        return headersAsUserProperties;
    }

    public void setHeadersAsUserProperties(boolean headersAsUserProperties) {
        this.headersAsUserProperties = headersAsUserProperties;
    }

    public String getTraceContext() {
        return traceContext;
    }

    public void setTraceContext(String traceContext) {
        this.traceContext = traceContext;
    }
}
