package io.github.camelmqttbridge.benchmarks.bridge;

import java.util.concurrent.locks.LockSupport;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A route step that lets at most {@code ratePerSecond} exchanges through per second, blocking the route's
 * thread until the next slot: a sink slower than the source. With 0 it does nothing.
 */
public final class SlowSink implements Processor {

    private final long intervalNanos;
    private long nextSlot;

    public SlowSink(double ratePerSecond) {
        this.intervalNanos = ratePerSecond <= 0 ? 0 : (long) (1e9 / ratePerSecond);
    }

    @Override
    public void process(Exchange exchange) {
        if (intervalNanos == 0) {
            return;
        }
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
