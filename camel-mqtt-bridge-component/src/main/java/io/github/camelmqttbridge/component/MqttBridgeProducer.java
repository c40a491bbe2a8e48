package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.component.health.MqttBridgeClientHealthCheck;
import io.github.camelmqttbridge.component.metrics.ClientMeters;
import io.github.camelmqttbridge.component.metrics.MqttBridgeMetrics;
import io.github.camelmqttbridge.component.metrics.ReconnectReasons;
import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.Message;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.WritableHealthCheckRepository;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes asynchronously: the exchange completes when the broker confirmed the message (PUBACK / PUBCOMP; QoS 0
 * when written) or fails with the broker's reason. InOut exchanges are MQTT 5 request/reply.
 */
@ManagedResource(description = "MQTT Bridge producer")
public class MqttBridgeProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridgeProducer.class);

    private record PendingRequest(Exchange exchange, AsyncCallback callback, ScheduledFuture<?> timeout) {
    }

    private final MqttBridgeConfiguration config;
    private final Map<String, PendingRequest> pending = new ConcurrentHashMap<>();
    private volatile MqttClient client;
    private volatile TraceContextPolicy traceContext = TraceContextPolicy.INACTIVE;
    private ExecutorService completions;
    private ScheduledExecutorService timeouts;
    private CompletableFuture<?> replySubscription;
    private String replyTopic;
    private HealthCheck healthCheck;
    private WritableHealthCheckRepository healthRepository;
    private volatile ClientMeters meters = ClientMeters.NONE;

    public MqttBridgeProducer(MqttBridgeEndpoint endpoint) {
        super(endpoint);
        this.config = endpoint.getConfiguration();
    }

    @Override
    public MqttBridgeEndpoint getEndpoint() {
        return (MqttBridgeEndpoint) super.getEndpoint();
    }

    public MqttClient getClient() {
        return client;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        MqttBridgeEndpoint endpoint = getEndpoint();
        String clientId = endpoint.resolveClientId();
        traceContext = endpoint.traceContextPolicy();
        String name = "MqttBridgeProducer[" + endpoint.getTopics() + "]";
        ThreadPoolProfile profile = new ThreadPoolProfile(name);
        profile.setPoolSize(1);
        profile.setMaxPoolSize(Math.max(1, config.getPoolSize()));
        profile.setMaxQueueSize(-1); // bounded by the engine's in-flight window and pending limit
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns);
        completions = endpoint.getCamelContext().getExecutorServiceManager().newThreadPool(this, name, profile);
        timeouts = endpoint.getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this,
                name + "-timeouts");
        int window = Math.max(1, Math.min(config.getReceiveMaximum(), config.getMaxInflight()));
        MqttClient c = new MqttClient(endpoint.clientOptions(clientId, AckMode.MANUAL, window));
        ClientMeters m = MqttBridgeMetrics.forProducer(this, clientId);
        meters = m;
        c.messageTimings(m);
        c.addConnectionListener(new ConnectionListener() {
            private String lostReason;

            @Override
            public void connectionLost(Throwable cause) {
                lostReason = ReconnectReasons.of(cause);
            }

            @Override
            public void connected(ConnectResult result, boolean reconnect) {
                if (reconnect) {
                    m.reconnected(lostReason != null ? lostReason : ReconnectReasons.ALL.get(0));
                    lostReason = null;
                }
            }
        });
        long timeoutMillis = Math.max(1, config.getConnectionTimeout()) * 1000L + 5000L;
        try {
            c.connect().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            c.close();
            m.close();
            meters = ClientMeters.NONE;
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new MqttBridgeException("Producer of mqtt-bridge:" + endpoint.getTopics() + " (client " + clientId
                    + ") could not connect to " + config.getBrokerUrl() + ": " + cause.getMessage(), cause);
        }
        client = c;
        for (String risk : DeliveryRisks.ofProducer(config)) {
            LOG.warn("Producer of mqtt-bridge:{} can lose messages: {}", endpoint.getTopics(), risk);
        }
        if (endpoint.getComponent().isHealthCheckProducerEnabled()) {
            healthRepository = HealthCheckHelper.getHealthCheckRepository(endpoint.getCamelContext(), "producers",
                    WritableHealthCheckRepository.class);
            if (healthRepository != null) {
                healthCheck = new MqttBridgeClientHealthCheck("producer:mqtt-bridge-" + c.clientId(), () -> client,
                        () -> null);
                healthRepository.addHealthCheck(healthCheck);
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (healthRepository != null && healthCheck != null) {
            healthRepository.removeHealthCheck(healthCheck);
            healthCheck = null;
        }
        MqttClient c = client;
        client = null;
        if (c != null) {
            c.close();
        }
        meters.close();
        meters = ClientMeters.NONE;
        synchronized (this) {
            replySubscription = null;
        }
        for (String id : List.copyOf(pending.keySet())) {
            PendingRequest p = pending.remove(id);
            if (p != null) {
                p.timeout().cancel(false);
                p.exchange().setException(new MqttBridgeException("Producer stopped while waiting for the reply on "
                        + replyTopic));
                p.callback().done(false);
            }
        }
        if (timeouts != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(timeouts);
            timeouts = null;
        }
        if (completions != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(completions);
            completions = null;
        }
        super.doStop();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        MqttClient c = client;
        OutboundMessage message;
        try {
            if (c == null) {
                throw new MqttBridgeException("Producer of mqtt-bridge:" + getEndpoint().getTopics() + " is not started");
            }
            message = toOutbound(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        if (exchange.getPattern().isOutCapable()) {
            return requestReply(c, exchange, message, callback);
        }
        c.publish(message).whenCompleteAsync((result, error) -> {
            if (error != null) {
                exchange.setException(unwrap(error));
            } else {
                confirmed(exchange, result);
            }
            callback.done(false);
        }, completions);
        return false;
    }

    private OutboundMessage toOutbound(Exchange exchange) throws Exception {
        Message in = exchange.getIn();
        String topic = topicFor(exchange);
        int qos = in.getHeader(MqttBridgeConstants.QOS, config.getQos(), Integer.class);
        boolean retain = in.getHeader(MqttBridgeConstants.RETAINED, config.isRetained(), Boolean.class);
        Object body = in.getBody();
        byte[] payload = body == null ? new byte[0]
                : exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body);
        MessageProperties props = MqttBridgeMessages
                .propertiesFromHeaders(in, exchange.getContext().getTypeConverter(), config, traceContext).build();
        return new OutboundMessage(topic, payload, qos, retain, props);
    }

    private String topicFor(Exchange exchange) {
        Message in = exchange.getIn();
        String override = in.getHeader(MqttBridgeConstants.OVERRIDE_TOPIC, String.class);
        if (override != null && !override.isBlank()) {
            return override;
        }
        String header = in.getHeader(MqttBridgeConstants.TOPIC, String.class);
        String received = exchange.getProperty(MqttBridgeMessages.RECEIVED_TOPIC_PROPERTY, String.class);
        if (header != null && !header.isBlank() && !header.equals(received)) {
            return header;
        }
        String topic = getEndpoint().defaultTopic();
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("No topic: set the endpoint path or the header "
                    + MqttBridgeConstants.OVERRIDE_TOPIC);
        }
        return topic;
    }

    private void confirmed(Exchange exchange, PublishResult result) {
        Message m = exchange.getMessage();
        m.setHeader(MqttBridgeConstants.PACKET_ID, result.packetId());
        m.setHeader(MqttBridgeConstants.REASON_CODE, result.reasonCode());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    // ---- request/reply (InOut) ----

    private boolean requestReply(MqttClient c, Exchange exchange, OutboundMessage message, AsyncCallback callback) {
        if (getEndpoint().protocolVersion() != MqttVersion.V5) {
            exchange.setException(new MqttBridgeException("Request/reply (InOut) needs MQTT 5 (response topic and"
                    + " correlation data); this endpoint uses protocolVersion=" + config.getProtocolVersion()));
            callback.done(true);
            return true;
        }
        CompletableFuture<?> subscribed = ensureReplySubscription(c);
        UUID uuid = UUID.randomUUID();
        String id = uuid.toString();
        byte[] correlation = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        OutboundMessage request = new OutboundMessage(message.topic(), message.payload(), message.qos(), message.retain(),
                message.properties().toBuilder().responseTopic(replyTopic).correlationData(correlation).build());
        long timeout = config.getRequestTimeout();
        ScheduledFuture<?> timer = timeouts.schedule(() -> {
            PendingRequest p = pending.remove(id);
            if (p != null) {
                p.exchange().setException(new ExchangeTimedOutException(p.exchange(), timeout,
                        "No reply on " + replyTopic + " within " + timeout + " ms"));
                p.callback().done(false);
            }
        }, timeout, TimeUnit.MILLISECONDS);
        pending.put(id, new PendingRequest(exchange, callback, timer));
        subscribed.thenCompose(r -> c.publish(request)).whenCompleteAsync((result, error) -> {
            if (error != null) {
                PendingRequest p = pending.remove(id);
                if (p != null) {
                    p.timeout().cancel(false);
                    exchange.setException(unwrap(error));
                    callback.done(false);
                }
            }
        }, completions);
        return false;
    }

    private synchronized CompletableFuture<?> ensureReplySubscription(MqttClient c) {
        if (replySubscription == null || replySubscription.isCompletedExceptionally()) {
            replyTopic = config.getResponseTopic() != null && !config.getResponseTopic().isBlank()
                    ? config.getResponseTopic().trim() : c.clientId() + "/replies";
            replySubscription = c.subscribe(List.of(Subscription.of(replyTopic, 1)), this::onReply);
        }
        return replySubscription;
    }

    /** On the event loop: acknowledge, then complete the waiting exchange on the completion pool. */
    private void onReply(InboundMessage reply) {
        reply.acknowledge();
        byte[] correlation = reply.properties().correlationData();
        if (correlation == null || correlation.length != 16) {
            LOG.debug("Ignoring a message on {} without our correlation data", reply.topic());
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(correlation);
        String id = new UUID(buf.getLong(), buf.getLong()).toString();
        PendingRequest p = pending.remove(id);
        if (p == null) {
            LOG.debug("Ignoring a late or unknown reply on {}", reply.topic());
            return;
        }
        p.timeout().cancel(false);
        completions.execute(() -> {
            Message out = p.exchange().getMessage();
            out.removeHeaders("CamelMqttBridge*");
            MqttBridgeMessages.toCamel(reply, out, config);
            p.callback().done(false);
        });
    }

    // ---- JMX ----

    /** A client counter for JMX; 0 while stopped (no client). */
    private long metric(ToLongFunction<ClientMetrics> counter) {
        MqttClient c = client;
        return c == null ? 0 : counter.applyAsLong(c.metrics());
    }

    @ManagedAttribute(description = "Published messages awaiting the broker's confirmation (in flight)")
    public int getInflight() {
        return (int) metric(ClientMetrics::outboundInflight);
    }

    @ManagedAttribute(description = "Messages published")
    public long getPublished() {
        return metric(ClientMetrics::published);
    }

    @ManagedAttribute(description = "Publishes the broker confirmed")
    public long getConfirmed() {
        return metric(ClientMetrics::publishConfirmed);
    }

    @ManagedAttribute(description = "Publishes that failed or were refused")
    public long getFailed() {
        return metric(ClientMetrics::publishFailed);
    }

    @ManagedAttribute(description = "Messages waiting for room in the in-flight window")
    public int getPendingPublishes() {
        return (int) metric(ClientMetrics::pendingPublishes);
    }

    @ManagedAttribute(description = "Requests (InOut) waiting for their reply")
    public int getPendingReplies() {
        return pending.size();
    }

    @ManagedAttribute(description = "Reconnects of the client")
    public long getReconnects() {
        return metric(ClientMetrics::reconnects);
    }

    @ManagedAttribute(description = "The last connection error")
    public String getLastError() {
        MqttClient c = client;
        return c == null ? null : c.metrics().lastError();
    }

    @ManagedAttribute(description = "Connection state of the client")
    public String getConnectionState() {
        MqttClient c = client;
        return c == null ? "STOPPED" : c.state().name();
    }
}
