package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.component.consumer.Delivery;
import io.github.camelmqttbridge.component.consumer.MessageDispatcher;
import io.github.camelmqttbridge.component.consumer.OrderingKey;
import io.github.camelmqttbridge.component.consumer.RedeliveryPolicy;
import io.github.camelmqttbridge.component.health.MqttBridgeClientHealthCheck;
import io.github.camelmqttbridge.component.metrics.ClientMeters;
import io.github.camelmqttbridge.component.metrics.MqttBridgeMetrics;
import io.github.camelmqttbridge.component.metrics.ReconnectReasons;
import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives from the broker with its own client and acknowledges after the route: see {@link MqttBridgeEndpoint} for
 * the acknowledgement, failure, backpressure and ordering policy.
 */
@ManagedResource(description = "MQTT Bridge consumer")
public class MqttBridgeConsumer extends DefaultConsumer implements Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridgeConsumer.class);

    private final MqttBridgeConfiguration config;
    private volatile MqttClient client;
    private volatile MessageDispatcher dispatcher;
    private volatile String problem;
    private volatile TraceContextPolicy traceContext = TraceContextPolicy.INACTIVE;
    private ExecutorService workers;
    private ScheduledExecutorService redeliveries;
    private volatile ClientMeters meters = ClientMeters.NONE;
    private final LongAdder deadLettered = new LongAdder();
    /** Connected with every filter subscribed (readiness); see {@link #isSubscribed()}. */
    private volatile boolean subscribed;
    /** Event loop only: filters re-subscribed after a session loss whose SUBACK has not come yet. */
    private final Set<String> awaitingResubscribe = new HashSet<>();
    /** Event loop only: why the last connection ended (the reconnect counter's reason). */
    private String lostReason;

    public MqttBridgeConsumer(MqttBridgeEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.config = endpoint.getConfiguration();
    }

    @Override
    public MqttBridgeEndpoint getEndpoint() {
        return (MqttBridgeEndpoint) super.getEndpoint();
    }

    /** The engine client, for tests and health checks; null while stopped. */
    public MqttClient getClient() {
        return client;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        settings(); // a wrong ordering option fails the route here, before anything connects
        if (getEndpoint().getComponent().isHealthCheckConsumerEnabled()) {
            setHealthCheck(new MqttBridgeClientHealthCheck("consumer:mqtt-bridge-" + getRouteId(), () -> client,
                    () -> problem, this::isSubscribed));
        }
    }

    private MessageDispatcher.Settings settings() {
        try {
            return new MessageDispatcher.Settings(config.effectiveOrdering(), OrderingKey.parse(config.getOrderingKey()),
                    config.getPipelineDepth(), new RedeliveryPolicy(config.getRedeliveryDelay(),
                            config.getMaxRedeliveryDelay(), config.getMaximumRedeliveries(), config.isAckAfterProcessing()),
                    config.getPoolSize());
        } catch (IllegalArgumentException e) {
            throw new MqttBridgeException("Consumer of mqtt-bridge:" + getEndpoint().getTopics() + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        MqttBridgeEndpoint endpoint = getEndpoint();
        List<String> filters = endpoint.topicFilters();
        String clientId = endpoint.resolveClientId();
        int window = Math.max(1, Math.min(config.getReceiveMaximum(), config.getMaxInflight()));
        AckMode ackMode = config.isAckAfterProcessing() ? AckMode.MANUAL : AckMode.AUTO;
        MessageDispatcher.Settings settings = settings();
        traceContext = endpoint.traceContextPolicy();
        String name = "MqttBridgeConsumer[" + endpoint.getTopics() + "]";
        workers = endpoint.getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, name, Math.max(1, config.getPoolSize()));
        ScheduledExecutorService timer = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, name + "-redelivery");
        redeliveries = timer;
        dispatcher = new MessageDispatcher(settings, workers,
                (task, delayNanos) -> timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS), System::nanoTime,
                this::callRoute, endpoint.getTopics());
        problem = null;
        subscribed = false;
        MqttClient c = new MqttClient(endpoint.clientOptions(clientId, ackMode, window));
        ClientMeters m = MqttBridgeMetrics.forConsumer(this, clientId);
        meters = m;
        c.messageTimings(m);
        c.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionLost(Throwable cause) {
                subscribed = false;
                lostReason = ReconnectReasons.of(cause);
            }

            @Override
            public void connected(ConnectResult result, boolean reconnect) {
                if (!reconnect) {
                    return; // the first SUBACK is awaited in doStart
                }
                m.reconnected(lostReason != null ? lostReason : ReconnectReasons.ALL.get(0));
                lostReason = null;
                awaitingResubscribe.clear();
                if (result.sessionPresent()) {
                    subscribed = true; // the broker kept our subscriptions
                } else {
                    awaitingResubscribe.addAll(filters); // the engine subscribes again: ready on its SUBACK
                }
            }

            @Override
            public void resubscribed(SubscribeResult result) {
                result.filters().forEach(f -> awaitingResubscribe.remove(f.topicFilter()));
                if (awaitingResubscribe.isEmpty() && c.isConnected()) {
                    subscribed = true;
                }
            }

            @Override
            public void subscriptionRefused(SubscribeResult result) {
                problem = "Consumer of mqtt-bridge:" + endpoint.getTopics() + " receives nothing on the refused filter(s):"
                        + " after the broker lost the session of client " + c.clientId() + ", re-subscribing failed. "
                        + new MqttSubscribeRefusedException(result).getMessage();
                LOG.error("Consumer of mqtt-bridge:{}: {}", endpoint.getTopics(), problem);
            }

            @Override
            public void sessionLost() {
                LOG.warn("Consumer of mqtt-bridge:{}: the broker lost the session of client {}; messages it held may be"
                        + " gone", endpoint.getTopics(), c.clientId());
            }
        });
        List<Subscription> subscriptions = new ArrayList<>();
        for (String filter : filters) {
            subscriptions.add(new Subscription(filter, config.getQos(), config.isNoLocal(), config.isRetainAsPublished(),
                    config.getRetainHandling(), 0));
        }
        long timeoutMillis = Math.max(1, config.getConnectionTimeout()) * 1000L + 5000L;
        try {
            // Subscribe first: a persistent session's backlog arrives right after CONNACK and must find us.
            MessageDispatcher d = dispatcher;
            var subscribed = c.subscribe(subscriptions, d::received);
            c.connect().get(timeoutMillis, TimeUnit.MILLISECONDS);
            SubscribeResult result = subscribed.get(timeoutMillis, TimeUnit.MILLISECONDS);
            for (SubscribeResult.FilterResult f : result.filters()) {
                if (f.downgraded()) {
                    LOG.warn("Consumer of mqtt-bridge:{}: broker granted QoS {} instead of {} for '{}'",
                            endpoint.getTopics(), f.grantedQos(), f.requestedQos(), f.topicFilter());
                }
            }
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(c);
            m.close();
            meters = ClientMeters.NONE;
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String why = e instanceof TimeoutException ? "no answer within " + timeoutMillis + " ms" : cause.getMessage();
            throw new MqttBridgeException("Consumer of mqtt-bridge:" + endpoint.getTopics() + " (client " + clientId + " at "
                    + config.getBrokerUrl() + ") could not subscribe to " + filters + ": " + why, cause);
        }
        client = c;
        subscribed = c.isConnected();
        for (String risk : DeliveryRisks.ofConsumer(config, DeliveryRisks.hasDeadLetterChannel(getRoute()))) {
            LOG.warn("Consumer of mqtt-bridge:{} can lose or duplicate messages: {}", endpoint.getTopics(), risk);
        }
        LOG.info("Consumer of mqtt-bridge:{} subscribed as {} (QoS {}, ackMode {}, window {}, {})", endpoint.getTopics(),
                c.clientId(), config.getQos(), config.getAckMode(), window, describe(settings));
    }

    private String describe(MessageDispatcher.Settings s) {
        return switch (s.ordering()) {
            case NONE -> "no ordering";
            case STRICT -> "strict ordering per " + config.getOrderingKey();
            case PIPELINED -> "pipelined ordering per " + config.getOrderingKey()
                    + (s.pipelineDepth() > 0 ? " (depth " + s.pipelineDepth() + ")" : "");
        };
    }

    /**
     * Camel's graceful shutdown suspends the consumer, waits for the exchanges in flight, then stops it. While
     * suspended no new exchange starts (new messages stay unacknowledged with the broker), and the ones in flight
     * still complete and are acknowledged before {@link #doStop()} closes the session.
     */
    @Override
    protected void doSuspend() throws Exception {
        MessageDispatcher d = dispatcher;
        if (d != null) {
            d.suspend();
        }
        LOG.info("Consumer of mqtt-bridge:{} suspended: exchanges in flight finish and are acknowledged, new messages wait",
                getEndpoint().getTopics());
    }

    @Override
    protected void doResume() throws Exception {
        MessageDispatcher d = dispatcher;
        if (d != null) {
            d.resume();
        }
    }

    @Override
    protected void doStop() throws Exception {
        MqttClient c = client;
        MessageDispatcher d = dispatcher;
        if (d != null) {
            d.stop(); // unacknowledged: the broker keeps them for a persistent session
        }
        if (redeliveries != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(redeliveries);
            redeliveries = null;
        }
        if (workers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers, 5000);
            workers = null;
        }
        if (c != null) {
            closeQuietly(c);
        }
        client = null;
        subscribed = false;
        meters.close();
        meters = ClientMeters.NONE;
        super.doStop();
    }

    private static void closeQuietly(MqttClient c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the MQTT client failed: {}", e.toString());
        }
    }

    // ---- one attempt of a message through the route (a pool thread; see MessageDispatcher.RouteCall) ----

    private void callRoute(Delivery delivery) {
        MessageDispatcher d = dispatcher;
        if (!isRunAllowed() || d == null) {
            return; // stopping: stays unacknowledged
        }
        Exchange exchange = createExchange(false);
        try {
            populate(exchange, delivery);
        } catch (RuntimeException e) {
            exchange.setException(e);
            done(d, delivery, exchange);
            return;
        }
        try {
            getAsyncProcessor().process(exchange, doneSync -> done(d, delivery, exchange));
        } catch (Throwable e) {
            exchange.setException(e);
            done(d, delivery, exchange);
        }
    }

    private void populate(Exchange exchange, Delivery delivery) {
        InboundMessage m = delivery.message();
        MqttBridgeMessages.toCamel(m, exchange.getIn(), config);
        if (m.properties() != null) {
            traceContext.toHeaders(m.properties().userProperties(), exchange.getIn());
        }
        exchange.getIn().setHeader(MqttBridgeConstants.REDELIVERY_COUNTER, delivery.attempts());
        exchange.setProperty(MqttBridgeMessages.RECEIVED_TOPIC_PROPERTY, m.topic());
    }

    private void done(MessageDispatcher d, Delivery delivery, Exchange exchange) {
        Throwable error = exchange.getException();
        boolean failed = error != null || exchange.isRollbackOnly();
        if (!failed && exchange.getExchangeExtension().isFailureHandled()) {
            deadLettered.increment(); // the route's error handler took the failure (dead letter channel, handled)
        }
        try {
            d.finished(delivery, error, failed);
        } finally {
            releaseExchange(exchange, false);
        }
    }

    // ---- JMX ----

    /** A dispatcher counter for JMX; 0 before the first start. */
    private long dispatcherCount(ToLongFunction<MessageDispatcher> counter) {
        MessageDispatcher d = dispatcher;
        return d == null ? 0 : counter.applyAsLong(d);
    }

    /** A client counter for JMX; 0 while stopped (no client). */
    private long metric(ToLongFunction<ClientMetrics> counter) {
        MqttClient c = client;
        return c == null ? 0 : counter.applyAsLong(c.metrics());
    }

    @ManagedAttribute(description = "Messages received and not yet acknowledged (in flight)")
    public int getInflight() {
        return (int) metric(ClientMetrics::inboundInflight);
    }

    @ManagedAttribute(description = "Messages received from the broker")
    public long getReceived() {
        return metric(ClientMetrics::received);
    }

    @ManagedAttribute(description = "Messages acknowledged to the broker")
    public long getAcknowledged() {
        return metric(ClientMetrics::acknowledged);
    }

    @ManagedAttribute(description = "Exchanges that completed successfully")
    public long getCompleted() {
        return dispatcherCount(MessageDispatcher::completed);
    }

    @ManagedAttribute(description = "Exchanges that failed (each failure counts)")
    public long getFailed() {
        return dispatcherCount(MessageDispatcher::failures);
    }

    @ManagedAttribute(description = "Redeliveries of failed messages to the route")
    public long getRedelivered() {
        return dispatcherCount(MessageDispatcher::redelivered);
    }

    @ManagedAttribute(description = "Exchanges that failed and were handled by the route's error handler (dead letter"
            + " channel, onException handled), then acknowledged")
    public long getDeadLettered() {
        return deadLettered.sum();
    }

    @ManagedAttribute(description = "QoS 1/2 messages the broker sent beyond our Receive Maximum")
    public long getReceiveMaximumExceeded() {
        return metric(ClientMetrics::receiveMaximumExceeded);
    }

    /**
     * Connected, and every topic filter subscribed: after the start's SUBACK, and again after a reconnect once the
     * broker resumed the session or granted the re-subscription. What readiness reports.
     */
    @ManagedAttribute(description = "Connected with every topic filter subscribed")
    public boolean isSubscribed() {
        MqttClient c = client;
        return subscribed && c != null && c.isConnected();
    }

    @ManagedAttribute(description = "QoS 2 duplicates the broker re-sent that were not delivered again")
    public long getDuplicatesSuppressed() {
        return metric(ClientMetrics::duplicatesSuppressed);
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

    @ManagedAttribute(description = "The client id")
    public String getClientId() {
        MqttClient c = client;
        return c == null ? null : c.clientId();
    }
}
