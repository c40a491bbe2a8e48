package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.component.consumer.Ordering;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * The options of an mqtt-bridge endpoint. The component holds one instance as shared defaults; every endpoint
 * works on a {@link #copy()} and may override any option. Where Camel's paho-mqtt5 component has an option with
 * the same meaning, the name is the same so that a route can switch scheme without other changes.
 */
@UriParams
public class MqttBridgeConfiguration implements Cloneable {

    // ---- common ----
    @UriParam(defaultValue = "tcp://localhost:1883", label = "common",
            description = "The URL of the MQTT broker: tcp://host:port or ssl://host:port. A comma-separated list means"
                    + " fail-over: the servers are tried in the given order.")
    private String brokerUrl = "tcp://localhost:1883";
    @UriParam(label = "common",
            description = "MQTT client identifier; must be unique per broker. When not set a random one is generated"
                    + " (mqtt-bridge-<random>), which is only allowed with a clean, non-persistent session: a persistent"
                    + " session (cleanStart=false, sessionExpiryInterval > 0) or persistence=file needs an explicit"
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
            description = "Whether the broker starts a new session on connect (true) or resumes the stored one"
                    + " (false). A consumer that must not lose messages while it is down uses cleanStart=false with"
                    + " an explicit clientId (and, on MQTT 5, a sessionExpiryInterval > 0).")
    private boolean cleanStart = true;
    @UriParam(defaultValue = "0", label = "common",
            description = "MQTT 5 Session Expiry Interval in seconds: how long the broker keeps the session after the"
                    + " connection closed. 0 ends it with the connection, 4294967295 means never. -1 (paho-mqtt5's"
                    + " 'not set') is treated as 0.")
    private long sessionExpiryInterval;
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

    public MqttBridgeConfiguration copy() {
        try {
            return (MqttBridgeConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** True when the broker is asked to keep the session after the connection (needs a stable client id). */
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
                + (password == null ? "none" : "******") + "]";
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
}
