package io.github.camelmqttbridge.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a measuring subscriber received: payloads carry their sequence number in bytes 0-7; counts the distinct
 * ones (reported to the progress tracker), the duplicates, and the time of the last arrival.
 */
public final class SequenceCounter {

    private final BitSet seen;
    private final Progress.Tracker tracker;
    private final AtomicLong distinct = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lastReceive = new AtomicLong();

    public SequenceCounter(int expected, Progress.Tracker tracker) {
        this.seen = new BitSet(expected);
        this.tracker = tracker;
    }

    /** Called from the client's receive thread for every message. */
    public void accept(byte[] payload) {
        int seq = (int) ByteBuffer.wrap(payload).getLong(0);
        boolean fresh;
        synchronized (seen) {
            fresh = !seen.get(seq);
            seen.set(seq);
        }
        if (fresh) {
            tracker.set(distinct.incrementAndGet());
        } else {
            duplicates.incrementAndGet();
        }
        lastReceive.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Waits until {@code n} distinct messages arrived or none arrived for {@code quiet}; returns how many did. */
    public long awaitAll(long n, Duration quiet) throws InterruptedException {
        long last = distinct.get();
        long lastChange = System.nanoTime();
        while (distinct.get() < n && System.nanoTime() - lastChange < quiet.toNanos()) {
            Thread.sleep(5);
            long now = distinct.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        return distinct.get();
    }

    public long distinct() {
        return distinct.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** {@code System.nanoTime()} of the latest arrival. */
    public long lastReceiveNanos() {
        return lastReceive.get();
    }
}
