package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.component.health.MqttBridgeClientHealthCheck;
import io.github.camelmqttbridge.mqtt.client.AckMode;
import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.InboundMessage;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.client.SubscribeResult;
import io.github.camelmqttbridge.mqtt.client.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** One received message on its way through the route, possibly several times. */
    private static final class Delivery {
        final InboundMessage message;
        int attempts;

        Delivery(InboundMessage message) {
            this.message = message;
        }
    }

    private final MqttBridgeConfiguration config;
    private final Object queuesLock = new Object();
    /** Ordered mode: per topic, the delivery being processed (head) and those waiting behind it. */
    private final Map<String, ArrayDeque<Delivery>> topicQueues = new HashMap<>();
    /** Messages that arrived (or came due) while suspended: unacknowledged, started again on resume. */
    private final List<Delivery> parked = new ArrayList<>();
    private boolean suspended;
    /** Deliveries ready to run; taken by up to poolSize drainers (see {@link #drain()}). */
    private final Queue<Delivery> ready = new ConcurrentLinkedQueue<>();
    /** Drainers running on the pool. */
    private final AtomicInteger drainers = new AtomicInteger();
    /** Drainers not inside a route call: they take what is offered to {@link #ready} without being woken. */
    private final AtomicInteger freeDrainers = new AtomicInteger();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder redelivered = new LongAdder();
    private volatile MqttClient client;
    private volatile String problem;
    private ExecutorService workers;
    private ScheduledExecutorService redeliveries;

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
        if (getEndpoint().getComponent().isHealthCheckConsumerEnabled()) {
            setHealthCheck(new MqttBridgeClientHealthCheck("consumer:mqtt-bridge-" + getRouteId(), () -> client,
                    () -> problem));
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
        String name = "MqttBridgeConsumer[" + endpoint.getTopics() + "]";
        workers = endpoint.getCamelContext().getExecutorServiceManager()
                .newFixedThreadPool(this, name, Math.max(1, config.getPoolSize()));
        redeliveries = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadScheduledExecutor(this, name + "-redelivery");
        problem = null;
        MqttClient c = new MqttClient(endpoint.clientOptions(clientId, ackMode, window));
        c.addConnectionListener(new ConnectionListener() {
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
            var subscribed = c.subscribe(subscriptions, this::onMessage);
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
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String why = e instanceof TimeoutException ? "no answer within " + timeoutMillis + " ms" : cause.getMessage();
            throw new MqttBridgeException("Consumer of mqtt-bridge:" + endpoint.getTopics() + " (client " + clientId + " at "
                    + config.getBrokerUrl() + ") could not subscribe to " + filters + ": " + why, cause);
        }
        client = c;
        for (String risk : DeliveryRisks.ofConsumer(config, DeliveryRisks.hasDeadLetterChannel(getRoute()))) {
            LOG.warn("Consumer of mqtt-bridge:{} can lose or duplicate messages: {}", endpoint.getTopics(), risk);
        }
        LOG.info("Consumer of mqtt-bridge:{} subscribed as {} (QoS {}, ackMode {}, window {}, {})", endpoint.getTopics(),
                c.clientId(), config.getQos(), config.getAckMode(), window,
                config.isParallelProcessing() ? "parallel" : "ordered per topic");
    }

    /**
     * Camel's graceful shutdown suspends the consumer, waits for the exchanges in flight, then stops it. While
     * suspended no new exchange starts (new messages stay unacknowledged with the broker), and the ones in flight
     * still complete and are acknowledged before {@link #doStop()} closes the session.
     */
    @Override
    protected void doSuspend() throws Exception {
        synchronized (queuesLock) {
            suspended = true;
        }
        LOG.info("Consumer of mqtt-bridge:{} suspended: exchanges in flight finish and are acknowledged, new messages wait",
                getEndpoint().getTopics());
    }

    @Override
    protected void doResume() throws Exception {
        List<Delivery> again;
        synchronized (queuesLock) {
            suspended = false;
            again = new ArrayList<>(parked);
            parked.clear();
        }
        again.forEach(this::submit);
    }

    @Override
    protected void doStop() throws Exception {
        MqttClient c = client;
        if (redeliveries != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(redeliveries);
            redeliveries = null;
        }
        if (workers != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownGraceful(workers, 5000);
            workers = null;
        }
        ready.clear();
        synchronized (queuesLock) {
            // Unacknowledged: the broker keeps them for a persistent session.
            topicQueues.clear();
            parked.clear();
            suspended = false;
        }
        if (c != null) {
            closeQuietly(c);
        }
        client = null;
        super.doStop();
    }

    private static void closeQuietly(MqttClient c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            LOG.debug("Closing the MQTT client failed: {}", e.toString());
        }
    }

    // ---- dispatch (event loop -> worker pool) ----

    private void onMessage(InboundMessage message) {
        Delivery delivery = new Delivery(message);
        if (config.isParallelProcessing()) {
            submit(delivery);
            return;
        }
        boolean first;
        synchronized (queuesLock) {
            ArrayDeque<Delivery> queue = topicQueues.computeIfAbsent(message.topic(), t -> new ArrayDeque<>());
            queue.add(delivery);
            first = queue.size() == 1;
        }
        if (first) {
            submit(delivery);
        }
    }

    private boolean parkedWhileSuspended(Delivery delivery) {
        synchronized (queuesLock) {
            if (suspended) {
                parked.add(delivery);
            }
            return suspended;
        }
    }

    /**
     * Queues the delivery for a drainer. A new drainer (one pool task) starts only when every running drainer is
     * inside a route call, here or when a drainer takes a delivery and leaves others queued: with a route that
     * hands off quickly (an asynchronous Kafka producer) one or two drainers take whole bursts without a thread
     * wake-up per message, and a route that blocks (a file, a synchronous HTTP call) still gets up to poolSize
     * threads.
     */
    private void submit(Delivery delivery) {
        if (parkedWhileSuspended(delivery)) {
            return;
        }
        if (workers == null || !isRunAllowed()) {
            return; // stopping: stays unacknowledged
        }
        ready.offer(delivery);
        if (freeDrainers.get() == 0) {
            startDrainer();
        }
    }

    private void startDrainer() {
        ExecutorService pool = workers;
        if (pool == null) {
            return;
        }
        int running;
        do {
            running = drainers.get();
            if (running >= Math.max(1, config.getPoolSize())) {
                return; // all busy: the first to finish its exchange takes the next
            }
        } while (!drainers.compareAndSet(running, running + 1));
        freeDrainers.incrementAndGet();
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            freeDrainers.decrementAndGet();
            drainers.decrementAndGet();
            LOG.debug("Consumer is stopping; messages still queued stay unacknowledged");
        }
    }

    private void drain() {
        try {
            Delivery delivery;
            while ((delivery = ready.poll()) != null) {
                if (freeDrainers.decrementAndGet() == 0 && !ready.isEmpty()) {
                    // We may block in the route and nobody else is free for what is still queued (it may have been
                    // offered while we still counted as free): hand it to another drainer.
                    startDrainer();
                }
                try {
                    process(delivery);
                } catch (RuntimeException e) {
                    // process() turns route failures into redeliveries; this is a bug of ours: keep draining.
                    LOG.error("Consumer of mqtt-bridge:{} could not start an exchange for the message on '{}'; it stays"
                            + " unacknowledged", getEndpoint().getTopics(), delivery.message.topic(), e);
                } finally {
                    freeDrainers.incrementAndGet();
                }
            }
        } finally {
            freeDrainers.decrementAndGet();
            drainers.decrementAndGet();
        }
        // A delivery offered after our last poll may have counted on us: take it over if nobody else is free.
        if (!ready.isEmpty() && freeDrainers.get() == 0) {
            startDrainer();
        }
    }

    private void process(Delivery delivery) {
        if (!isRunAllowed() || parkedWhileSuspended(delivery)) {
            return;
        }
        Exchange exchange = createExchange(false);
        try {
            populate(exchange, delivery);
        } catch (RuntimeException e) {
            exchange.setException(e);
            done(delivery, exchange);
            return;
        }
        try {
            getAsyncProcessor().process(exchange, doneSync -> done(delivery, exchange));
        } catch (Throwable e) {
            exchange.setException(e);
            done(delivery, exchange);
        }
    }

    private void populate(Exchange exchange, Delivery delivery) {
        MqttBridgeMessages.toCamel(delivery.message, exchange.getIn(), config);
        exchange.getIn().setHeader(MqttBridgeConstants.REDELIVERY_COUNTER, delivery.attempts);
        exchange.setProperty(MqttBridgeMessages.RECEIVED_TOPIC_PROPERTY, delivery.message.topic());
    }

    // ---- completion: ack, or redeliver after a back-off ----

    private void done(Delivery delivery, Exchange exchange) {
        Throwable error = exchange.getException();
        boolean failed = error != null || exchange.isRollbackOnly();
        InboundMessage m = delivery.message;
        try {
            if (!failed) {
                completed.increment();
                acknowledge(m);
                next(delivery);
                return;
            }
            failures.increment();
            String why = error != null ? error.getClass().getSimpleName() + ": " + error.getMessage() : "rollback";
            if (!config.isAckAfterProcessing()) {
                LOG.warn("Exchange for the message on '{}' failed ({}); ackMode=onReceive already acknowledged it, so it"
                        + " is not redelivered", m.topic(), why);
                acknowledge(m);
                next(delivery);
            } else if (config.getMaximumRedeliveries() >= 0 && delivery.attempts >= config.getMaximumRedeliveries()) {
                LOG.error("Exchange for the message on '{}' failed ({}) after {} redeliveries (maximumRedeliveries); "
                        + "acknowledging and dropping it", m.topic(), why, delivery.attempts);
                acknowledge(m);
                next(delivery);
            } else {
                long delay = redeliveryDelay(delivery.attempts);
                delivery.attempts++;
                LOG.warn("Exchange for the message on '{}' failed ({}); it stays unacknowledged and is redelivered in {} ms"
                        + " (redelivery {})", m.topic(), why, delay, delivery.attempts);
                scheduleRedelivery(delivery, delay);
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private long redeliveryDelay(int attempts) {
        long base = Math.max(0, config.getRedeliveryDelay());
        long max = Math.max(base, config.getMaxRedeliveryDelay());
        long delay = base;
        for (int i = 0; i < attempts && delay < max; i++) {
            delay = delay * 2;
        }
        return Math.min(delay, max);
    }

    private void scheduleRedelivery(Delivery delivery, long delay) {
        ScheduledExecutorService scheduler = redeliveries;
        if (scheduler == null || !isRunAllowed()) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                redelivered.increment();
                submit(delivery);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("Consumer is stopping; message on '{}' stays unacknowledged", delivery.message.topic());
        }
    }

    private static void acknowledge(InboundMessage m) {
        try {
            m.acknowledge();
        } catch (RuntimeException e) {
            // The client is closing: the broker still owns the message.
            LOG.debug("Could not acknowledge the message on '{}': {}", m.topic(), e.toString());
        }
    }

    /** Ordered mode: the head of this topic's queue is done, start the next one. */
    private void next(Delivery delivery) {
        if (config.isParallelProcessing()) {
            return;
        }
        Delivery following = null;
        synchronized (queuesLock) {
            String topic = delivery.message.topic();
            ArrayDeque<Delivery> queue = topicQueues.get(topic);
            if (queue == null) {
                return;
            }
            queue.remove(delivery);
            if (queue.isEmpty()) {
                topicQueues.remove(topic);
            } else {
                following = queue.peek();
            }
        }
        if (following != null) {
            submit(following);
        }
    }

    // ---- JMX ----

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
        return completed.sum();
    }

    @ManagedAttribute(description = "Exchanges that failed (each failure counts)")
    public long getFailed() {
        return failures.sum();
    }

    @ManagedAttribute(description = "Redeliveries of failed messages to the route")
    public long getRedelivered() {
        return redelivered.sum();
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
