package io.github.camelmqttbridge.component.consumer;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the thread that makes work ready (the MQTT event loop, a completing exchange, the redelivery
 * timer) to the pool threads that run it. Work goes into one queue; a drainer is a pool task that takes items until
 * the queue is empty. A new drainer starts only when every running drainer is busy inside an item, so:
 * <ul>
 * <li>work that returns quickly (a route that hands the exchange to an asynchronous Kafka producer) is taken by one
 * or two drainers in whole bursts, without a thread wake-up per item;</li>
 * <li>work that blocks (a file, a synchronous HTTP call) still gets up to {@code poolSize} threads at once.</li>
 * </ul>
 * An item offered on a drainer's own thread (the next message of a key, released when the previous one's route call
 * returned) is left for that drainer, which takes it as soon as its current item returns: one hot key through an
 * asynchronous route runs on one thread without a wake-up per message. Work must therefore not block after offering.
 * Thread-safe and lock-free; {@link #offer} may be called from any thread.
 *
 * @param <T> the work item
 */
final class Drainers<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Drainers.class);

    private final Executor pool;
    private final int poolSize;
    private final Consumer<T> work;
    private final Queue<T> ready = new ConcurrentLinkedQueue<>();
    /** Drainers running on the pool. */
    private final AtomicInteger drainers = new AtomicInteger();
    /** Drainers not inside an item: they take what is offered without being woken. */
    private final AtomicInteger free = new AtomicInteger();
    /** Set on a pool thread while it drains this instance. */
    private final ThreadLocal<Boolean> draining = new ThreadLocal<>();

    /**
     * @param work runs one item on a pool thread; an exception it throws is logged and the drainer goes on
     */
    Drainers(Executor pool, int poolSize, Consumer<T> work) {
        this.pool = pool;
        this.poolSize = Math.max(1, poolSize);
        this.work = work;
    }

    /** Queues an item; starts a drainer only if none is free to take it and this thread is not one. */
    void offer(T item) {
        ready.offer(item);
        if (free.get() == 0 && draining.get() == null) {
            startDrainer();
        }
    }

    /** Drops what is queued and not started (the consumer stops). */
    void clear() {
        ready.clear();
    }

    /** Drainers running now (for tests). */
    int running() {
        return drainers.get();
    }

    private void startDrainer() {
        int running;
        do {
            running = drainers.get();
            if (running >= poolSize) {
                return; // all busy: the first to finish its item takes the next
            }
        } while (!drainers.compareAndSet(running, running + 1));
        free.incrementAndGet();
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            free.decrementAndGet();
            drainers.decrementAndGet();
            LOG.debug("The pool is shutting down; {} queued item(s) are not run", ready.size());
        }
    }

    private void drain() {
        draining.set(Boolean.TRUE);
        try {
            T item;
            while ((item = ready.poll()) != null) {
                if (free.decrementAndGet() == 0 && !ready.isEmpty()) {
                    // We may block in the item and nobody else is free for what is still queued (it may have been
                    // offered while we still counted as free): hand it to another drainer.
                    startDrainer();
                }
                try {
                    work.accept(item);
                } catch (RuntimeException e) {
                    LOG.error("Work item {} failed", item, e);
                } finally {
                    free.incrementAndGet();
                }
            }
        } finally {
            draining.remove();
            free.decrementAndGet();
            drainers.decrementAndGet();
        }
        // An item offered after our last poll may have counted on us: take it over if nobody else is free.
        if (!ready.isEmpty() && free.get() == 0) {
            startDrainer();
        }
    }
}
