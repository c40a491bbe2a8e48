package io.github.camelmqttbridge.mqtt.client;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Counters a client keeps for health checks and JMX; safe to read from any thread. */
public final class ClientMetrics {
    final LongAdder received = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder duplicatesSuppressed = new LongAdder();
    final LongAdder overlapCopiesSuppressed = new LongAdder();
    final LongAdder published = new LongAdder();
    final LongAdder publishConfirmed = new LongAdder();
    final LongAdder publishFailed = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder receiveMaximumExceeded = new LongAdder();
    final AtomicReference<String> lastError = new AtomicReference<>();
    volatile int inboundInflight;
    volatile int outboundInflight;
    volatile int pendingPublishes;

    public long received() {
        return received.sum();
    }

    public long acknowledged() {
        return acknowledged.sum();
    }

    /** QoS 2 messages the broker re-sent before PUBREL that were not delivered again. */
    public long duplicatesSuppressed() {
        return duplicatesSuppressed.sum();
    }

    /**
     * Copies of a message that one subscribe() call also received through another of its overlapping filters
     * (told apart by subscription identifier): acknowledged without delivery.
     */
    public long overlapCopiesSuppressed() {
        return overlapCopiesSuppressed.sum();
    }

    public long published() {
        return published.sum();
    }

    public long publishConfirmed() {
        return publishConfirmed.sum();
    }

    public long publishFailed() {
        return publishFailed.sum();
    }

    public long reconnects() {
        return reconnects.sum();
    }

    /** QoS 1/2 messages the broker sent beyond our Receive Maximum (accepted unless flow control is strict). */
    public long receiveMaximumExceeded() {
        return receiveMaximumExceeded.sum();
    }

    public void onReceiveMaximumExceeded() {
        receiveMaximumExceeded.increment();
    }

    /** Inbound messages delivered and not yet acknowledged by the application. */
    public int inboundInflight() {
        return inboundInflight;
    }

    public int outboundInflight() {
        return outboundInflight;
    }

    public int pendingPublishes() {
        return pendingPublishes;
    }

    public String lastError() {
        return lastError.get();
    }

    // Mutators for the engine's internals (public because they live in another package).
    public void onReceived() {
        received.increment();
    }

    public void onAcknowledged() {
        acknowledged.increment();
    }

    public void onDuplicateSuppressed() {
        duplicatesSuppressed.increment();
    }

    public void onOverlapCopySuppressed() {
        overlapCopiesSuppressed.increment();
    }

    public void onPublished() {
        published.increment();
    }

    public void onPublishConfirmed() {
        publishConfirmed.increment();
    }

    public void onPublishFailed() {
        publishFailed.increment();
    }

    public void onReconnect() {
        reconnects.increment();
    }

    public void onError(String message) {
        lastError.set(message);
    }

    public void inboundInflight(int n) {
        inboundInflight = n;
    }

    public void outboundInflight(int n, int pending) {
        outboundInflight = n;
        pendingPublishes = pending;
    }
}
