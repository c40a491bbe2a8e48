package io.github.camelmqttbridge.component.consumer;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the MQTT client and the route: takes each received message, decides with {@link OrderedLanes} when it may
 * enter the route, hands it to a pool thread through {@link Drainers}, and when its exchange finished acknowledges it
 * or redelivers it according to the {@link RedeliveryPolicy}. Knows nothing of Camel: the route is a
 * {@link RouteCall}, the clock and the timer are given, so all of it runs in plain unit tests.
 *
 * <p>Threads: {@link #received} on the MQTT event loop (never blocks: a lock held for a few field updates),
 * route calls on the pool, {@link #finished} on whatever thread completes the exchange, redeliveries on the timer's
 * thread. One lock guards the lanes, the suspension and the parked deliveries.
 */
public final class MessageDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);

    /**
     * Runs one attempt of a delivery through the route, on a pool thread. Must call
     * {@link MessageDispatcher#finished} exactly once when the exchange completed (possibly before returning), and
     * return as soon as the exchange was handed to an asynchronous step.
     */
    @FunctionalInterface
    public interface RouteCall {
        void call(Delivery delivery);
    }

    /** Runs a task after a delay (the redelivery back-off). */
    @FunctionalInterface
    public interface Timer {
        void schedule(Runnable task, long delayNanos);
    }

    /** The ordering and failure options of one consumer. */
    public record Settings(Ordering ordering, OrderingKey orderingKey, int pipelineDepth, RedeliveryPolicy redelivery,
            int poolSize) {
    }

    private final Object lock = new Object();
    private final OrderedLanes lanes;
    private final OrderingKey orderingKey;
    private final RedeliveryPolicy redelivery;
    private final Drainers<Delivery> drainers;
    private final Timer timer;
    private final RouteCall route;
    private final String name;
    /** Deliveries allowed to start while suspended: started on resume. */
    private final List<Delivery> parked = new ArrayList<>();
    private boolean suspended;
    private boolean running = true;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder redelivered = new LongAdder();

    /**
     * @param name for log lines, e.g. the endpoint's topics
     */
    public MessageDispatcher(Settings settings, Executor pool, Timer timer, LongSupplier nanoClock, RouteCall route,
            String name) {
        this.orderingKey = settings.orderingKey();
        this.redelivery = settings.redelivery();
        this.timer = timer;
        this.route = route;
        this.name = name;
        this.lanes = new OrderedLanes(settings.ordering(), settings.pipelineDepth(), this::wakeUpLater, nanoClock);
        this.drainers = new Drainers<>(pool, settings.poolSize(), this::run);
    }

    /** A message arrived (MQTT event loop). */
    public void received(InboundMessage message) {
        Object key = orderingKey.of(message);
        Delivery start;
        synchronized (lock) {
            if (!running) {
                return; // stays unacknowledged: the broker keeps it
            }
            start = parkIfSuspended(lanes.arrived(message, key));
        }
        offer(start);
    }

    /**
     * The exchange of the delivery's current attempt completed (any thread). {@code failed}: it has an exception or
     * was marked rollback-only; {@code error} may be null then.
     */
    public void finished(Delivery d, Throwable error, boolean failed) {
        if (!failed) {
            if (complete(d)) {
                completed.increment();
                acknowledge(d.message());
            }
            return;
        }
        String why = error != null ? error.getClass().getSimpleName() + ": " + error.getMessage() : "rollback";
        String topic = d.message().topic();
        switch (redelivery.decide(d.attempts)) {
            case ALREADY_ACKNOWLEDGED -> {
                if (complete(d)) {
                    failures.increment();
                    LOG.warn("Exchange for the message on '{}' failed ({}); ackMode=onReceive already acknowledged it, so"
                            + " it is not redelivered", topic, why);
                    acknowledge(d.message());
                }
            }
            case GIVE_UP -> {
                int attempts = d.attempts;
                if (complete(d)) {
                    failures.increment();
                    LOG.error("Exchange for the message on '{}' failed ({}) after {} redeliveries (maximumRedeliveries);"
                            + " acknowledging and dropping it", topic, why, attempts);
                    acknowledge(d.message());
                }
            }
            case REDELIVER -> {
                long delay = redelivery.delayMillis(d.attempts);
                Delivery next;
                int number;
                synchronized (lock) {
                    if (!running || !d.attemptOpen) {
                        return;
                    }
                    number = ++d.attempts;
                    next = parkIfSuspended(lanes.failed(d, TimeUnit.MILLISECONDS.toNanos(delay)));
                }
                failures.increment();
                LOG.warn("Exchange for the message on '{}' failed ({}); it stays unacknowledged and is redelivered in {} ms"
                        + " (redelivery {}){}", topic, why, delay, number,
                        d.key != null ? "; later messages of its ordering key wait for it" : "");
                offer(next);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** No delivery starts any more until {@link #resume()}; those in the route finish and are acknowledged. */
    public void suspend() {
        synchronized (lock) {
            suspended = true;
        }
    }

    /** Starts what was parked while suspended. */
    public void resume() {
        List<Delivery> again;
        synchronized (lock) {
            suspended = false;
            again = new ArrayList<>(parked);
            parked.clear();
        }
        again.forEach(drainers::offer);
    }

    /** Nothing starts or is redelivered any more; whatever is not acknowledged stays with the broker. */
    public void stop() {
        synchronized (lock) {
            running = false;
            lanes.clear();
            parked.clear();
        }
        drainers.clear();
    }

    public long completed() {
        return completed.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long redelivered() {
        return redelivered.sum();
    }

    /** Ordering keys with messages not done yet. */
    public int activeKeys() {
        synchronized (lock) {
            return lanes.keys();
        }
    }

    // ---- pool side ----

    private void offer(Delivery d) {
        if (d != null) {
            drainers.offer(d);
        }
    }

    /** One attempt of a delivery, on a drainer's thread. */
    private void run(Delivery d) {
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (suspended) {
                parked.add(d);
                return;
            }
        }
        if (d.attempts > 0) {
            redelivered.increment();
        }
        try {
            route.call(d);
        } catch (RuntimeException | Error e) {
            // The route call must report through finished(); if it threw instead, count it as a failure so that
            // the message's key does not wait for it for ever.
            LOG.error("Consumer of mqtt-bridge:{} could not run the route for the message on '{}'", name,
                    d.message().topic(), e);
            finished(d, e, true);
        }
        Delivery next;
        synchronized (lock) {
            if (!running) {
                return;
            }
            next = parkIfSuspended(lanes.returned(d));
        }
        offer(next);
    }

    // ---- helpers (lock held where noted) ----

    /**
     * Ends the current attempt as done (completed or given up) and starts what that lets start; the caller
     * acknowledges. False if the attempt was ended already (a second completion) or we stopped: then nothing is
     * acknowledged.
     */
    private boolean complete(Delivery d) {
        Delivery next;
        synchronized (lock) {
            if (!running || !d.attemptOpen) {
                return false;
            }
            next = parkIfSuspended(lanes.done(d));
        }
        offer(next);
        return true;
    }

    /** Lock held. */
    private Delivery parkIfSuspended(Delivery d) {
        if (d != null && suspended) {
            parked.add(d);
            return null;
        }
        return d;
    }

    /** Lock held (called by the lanes). */
    private void wakeUpLater(Delivery d, long delayNanos) {
        try {
            timer.schedule(() -> wakeUp(d), delayNanos);
        } catch (RejectedExecutionException e) {
            LOG.debug("Consumer is stopping; the message on '{}' stays unacknowledged", d.message().topic());
        }
    }

    private void wakeUp(Delivery d) {
        Delivery next;
        synchronized (lock) {
            if (!running) {
                return;
            }
            next = parkIfSuspended(lanes.wakeUp(d));
        }
        offer(next);
    }

    private static void acknowledge(InboundMessage m) {
        try {
            m.acknowledge();
        } catch (RuntimeException e) {
            // The client is closing: the broker still owns the message.
            LOG.debug("Could not acknowledge the message on '{}': {}", m.topic(), e.toString());
        }
    }
}
