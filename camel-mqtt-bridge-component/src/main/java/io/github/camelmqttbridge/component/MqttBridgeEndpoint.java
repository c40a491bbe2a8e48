package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import io.github.camelmqttbridge.mqtt.auth.ScramAuthenticator;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Will;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.ProxyOptions;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.github.camelmqttbridge.mqtt.options.WebSocketOptions;
import io.github.camelmqttbridge.mqtt.session.FileSessionStore;
import io.github.camelmqttbridge.mqtt.session.MemorySessionStore;
import io.github.camelmqttbridge.mqtt.session.SyncPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Send and receive MQTT 3.1.1 / 5 messages, acknowledging received messages only after the route committed them.
 *
 * <p><b>Consumer.</b> The path lists one or more topic filters ({@code mqtt-bridge:a/+/c,d/#}). Each consumer has its
 * own client and subscribes before it connects, so a persistent session's backlog finds the route. A failed
 * subscribe fails the route's start with the filter and the broker's reason.
 *
 * <p><b>Acknowledgement and failure policy</b> ({@code ackMode=afterProcessing}, the default): PUBACK (QoS 1) or
 * PUBREC (QoS 2) is sent when the exchange completed successfully; when Camel's error handler handled a failure
 * (e.g. a dead letter channel) the exchange counts as completed and the message is acknowledged after it. When
 * the exchange failed, the message is not acknowledged (MQTT has no negative ack, the broker still owns it) and is
 * given to the route again after {@code redeliveryDelay} ms, doubling up to {@code maxRedeliveryDelay}, until it
 * succeeds (or {@code maximumRedeliveries} is reached); the header {@code CamelMqttBridgeRedeliveryCounter} counts
 * the attempts and each failure is logged once at WARN. If the consumer stops (or crashes) meanwhile, a persistent
 * session gets the message back from the broker.
 *
 * <p><b>Backpressure and order.</b> At most min(receiveMaximum, maxInflight) messages are unacknowledged at once;
 * that number is announced as MQTT 5 Receive Maximum and when it is reached the client stops reading, so the broker
 * holds the rest. By default ({@code ordering=pipelined}) the messages of one topic ({@code orderingKey}) enter the
 * route in arrival order, the next as soon as the previous one was handed to an asynchronous step, so several are in
 * an asynchronous sink at once; {@code ordering=strict} waits for each exchange to complete, {@code ordering=none}
 * keeps no order. A failed message pauses its key until its redelivery succeeded; acknowledgements always leave in
 * arrival order. Exchanges run on a Camel thread pool, never on the MQTT event loop.
 *
 * <p><b>Producer.</b> The path is the default topic ({@code CamelMqttBridgeTopic} overrides it). The exchange
 * completes when PUBACK / PUBCOMP arrived (QoS 0: when written); a refusal fails it with the broker's reason. InOut
 * exchanges do MQTT 5 request/reply with Response Topic and Correlation Data.
 *
 * <p><b>Headers and user properties.</b> Received user properties are in the map header
 * {@code CamelMqttBridgeUserProperties}; they become headers of their own only with {@code userPropertiesAsHeaders},
 * and then only names the {@code headerFilterStrategy} lets through ({@link MqttBridgeHeaderFilterStrategy}: nothing
 * Camel or a common component acts on). A producer publishes the map header; other headers only with
 * {@code headersAsUserProperties}, through the same strategy. Camel's namespace never crosses in either direction.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mqtt-bridge", title = "MQTT Bridge", syntax = "mqtt-bridge:topics",
        category = { Category.MESSAGING, Category.IOT }, headersClass = MqttBridgeConstants.class)
public class MqttBridgeEndpoint extends DefaultEndpoint implements HeaderFilterStrategyAware {

    @UriPath(description = "Consumer: one or more topic filters, comma-separated (wildcards + and # allowed)."
            + " Producer: the default topic to publish to.")
    @Metadata(required = true)
    private String topics;

    @UriParam
    private MqttBridgeConfiguration configuration;

    public MqttBridgeEndpoint(String uri, MqttBridgeComponent component, String topics,
            MqttBridgeConfiguration configuration) {
        super(uri, component);
        this.topics = topics;
        this.configuration = configuration;
    }

    @Override
    public MqttBridgeComponent getComponent() {
        return (MqttBridgeComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() throws Exception {
        return new MqttBridgeProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        MqttBridgeConsumer consumer = new MqttBridgeConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getTopics() {
        return topics;
    }

    public void setTopics(String topics) {
        this.topics = topics;
    }

    public MqttBridgeConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return configuration.getHeaderFilterStrategy();
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy strategy) {
        configuration.setHeaderFilterStrategy(strategy);
    }

    public void setConfiguration(MqttBridgeConfiguration configuration) {
        this.configuration = configuration;
    }

    /** The topic filters of the path, trimmed, with the shared subscription prefix when a group is set. */
    List<String> topicFilters() {
        List<String> filters = new ArrayList<>();
        for (String part : topics.split(",")) {
            String filter = part.trim();
            if (filter.isEmpty()) {
                continue;
            }
            String group = configuration.getSharedSubscriptionGroup();
            filters.add(group == null || group.isBlank() || filter.startsWith("$share/") ? filter
                    : "$share/" + group.trim() + "/" + filter);
        }
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("mqtt-bridge needs at least one topic in its path, e.g. mqtt-bridge:sensors/#");
        }
        return filters;
    }

    /** The default topic of a producer: the path. */
    String defaultTopic() {
        return topics == null ? null : topics.trim();
    }

    MqttVersion protocolVersion() {
        return MqttVersion.parse(configuration.getProtocolVersion());
    }

    /** The trace context policy for a consumer or producer starting now (see {@link TraceContextPolicy#of}). */
    TraceContextPolicy traceContextPolicy() {
        return TraceContextPolicy.of(configuration.getTraceContext(), protocolVersion(), getCamelContext());
    }

    /**
     * The client id to use: the configured one, or a generated one where that is safe (a clean, in-memory session).
     */
    String resolveClientId() {
        String id = configuration.getClientId();
        if (id != null && !id.isBlank()) {
            return id.trim();
        }
        if (configuration.isPersistentSession() || configuration.isFilePersistence()) {
            throw new IllegalArgumentException("mqtt-bridge:" + topics + " uses a persistent session (cleanStart="
                    + configuration.isCleanStart() + ", sessionExpiryInterval=" + configuration.getSessionExpiryInterval()
                    + ", persistence=" + configuration.getPersistence() + ") and therefore needs an explicit clientId:"
                    + " the broker and the session store find the session again by it");
        }
        return "mqtt-bridge-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Engine options for one client of this endpoint. */
    MqttClientOptions clientOptions(String clientId, AckMode ackMode, int receiveMaximum) throws Exception {
        MqttBridgeConfiguration c = configuration;
        MqttClientOptions.Builder b = MqttClientOptions.builder()
                .serverUris(c.getBrokerUrl())
                .clientId(clientId)
                .version(protocolVersion())
                .cleanStart(c.isCleanStart())
                // generated per start (see resolveClientId): nothing can be resumed under it
                .newClientId(c.getClientId() == null || c.getClientId().isBlank())
                .sessionExpiryInterval(c.effectiveSessionExpiryInterval())
                .keepAliveSeconds(c.getKeepAliveInterval())
                .connectTimeout(Duration.ofSeconds(Math.max(1, c.getConnectionTimeout())))
                .automaticReconnect(c.isAutomaticReconnect())
                .minReconnectDelay(Duration.ofMillis(Math.min(c.getMinReconnectDelay(), c.getMaxReconnectDelay())))
                .maxReconnectDelay(Duration.ofMillis(c.getMaxReconnectDelay()))
                .followServerReference(c.isFollowServerReference())
                .receiveMaximum(receiveMaximum)
                .maxInflight(c.getMaxInflight())
                .maximumPacketSize(c.getMaximumPacketSize())
                .ackMode(ackMode);
        if (c.getUserName() != null) {
            b.userName(c.getUserName());
        }
        EnhancedAuthenticator authenticator = enhancedAuthenticator(c);
        // With SCRAM the password proves itself in the AUTH exchange: it must not travel in CONNECT as well.
        boolean passwordStaysLocal = authenticator instanceof ScramAuthenticator;
        if (c.getPassword() != null && !passwordStaysLocal) {
            b.password(c.getPassword().getBytes(StandardCharsets.UTF_8));
        }
        b.enhancedAuthenticator(authenticator)
                .reauthenticateInterval(Duration.ofMillis(Math.max(0, c.getReauthenticateInterval())))
                .credentialsProvider(c.getCredentialsProvider())
                .proxy(ProxyOptions.of(ProxyOptions.Type.parse(c.getProxyType()), c.getProxyHost(), c.getProxyPort(),
                        blankToNull(c.getProxyUserName()),
                        c.getProxyPassword() == null ? null : c.getProxyPassword().toCharArray()))
                .webSocket(WebSocketOptions.of(split(c.getWebSocketSubprotocols()),
                        c.getCustomWebSocketHeaders() == null ? Map.of() : c.getCustomWebSocketHeaders()));
        if (c.getWillTopic() != null && !c.getWillTopic().isBlank()) {
            byte[] payload = c.getWillPayload() == null ? new byte[0] : c.getWillPayload().getBytes(StandardCharsets.UTF_8);
            b.will(new Will(c.getWillTopic(), payload, c.getWillQos(), c.isWillRetained(), c.getWillDelayInterval(), null));
        }
        TlsOptions.Builder tls = TlsOptions.builder().hostnameVerification(c.isHostnameVerification());
        if (c.getSslContextParameters() != null) {
            tls.sslContext(c.getSslContextParameters().createSSLContext(getCamelContext()));
        }
        b.tls(tls.build());
        String persistence = c.getPersistence() == null ? "memory" : c.getPersistence().trim().toLowerCase(Locale.ROOT);
        switch (persistence) {
            case "memory" -> b.sessionStore(MemorySessionStore::new);
            case "file" -> {
                Path dir = Path.of(c.getPersistenceDirectory() == null || c.getPersistenceDirectory().isBlank()
                        ? "mqtt-bridge-store" : c.getPersistenceDirectory());
                SyncPolicy sync = SyncPolicy.parse(c.getPersistenceSync() == null ? "never" : c.getPersistenceSync());
                b.sessionStore(() -> new FileSessionStore(dir, sync));
            }
            default -> throw new IllegalArgumentException("Unknown persistence '" + c.getPersistence() + "': use memory or file");
        }
        return b.build();
    }

    /** The enhancedAuthenticator bean, or the built-in SCRAM for authMethod=SCRAM-SHA-256/512, or null. */
    private EnhancedAuthenticator enhancedAuthenticator(MqttBridgeConfiguration c) {
        String method = blankToNull(c.getAuthMethod());
        EnhancedAuthenticator bean = c.getEnhancedAuthenticator();
        if (bean != null) {
            if (method != null && !method.trim().equals(bean.method())) {
                throw new IllegalArgumentException("authMethod=" + method + " does not match the enhancedAuthenticator"
                        + " bean's method " + bean.method() + ": set one of them");
            }
            return bean;
        }
        if (method == null) {
            return null;
        }
        if (!ScramAuthenticator.isScram(method)) {
            throw new IllegalArgumentException("authMethod=" + method + " needs an enhancedAuthenticator bean; built in"
                    + " are SCRAM-SHA-256 and SCRAM-SHA-512");
        }
        if (c.getUserName() == null || c.getPassword() == null) {
            throw new IllegalArgumentException("authMethod=" + method + " needs userName and password");
        }
        return ScramAuthenticator.forMethod(method, c.getUserName(), c.getPassword().toCharArray());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> split(String commaSeparated) {
        List<String> parts = new ArrayList<>();
        if (commaSeparated != null) {
            for (String part : commaSeparated.split(",")) {
                if (!part.isBlank()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }
}
