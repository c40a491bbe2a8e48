package io.github.camelmqttbridge.mqtt.handler;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the flows count as they work: written only by this package (on the client's event loop, the acks of route
 * threads included), read from any thread. The client publishes these figures read-only through
 * {@code ClientMetrics}; the mutators are package-private so nothing outside the engine's handlers can move them.
 */
public final class FlowCounters {
    private final LongAdder received = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder duplicatesSuppressed = new LongAdder();
    private final LongAdder overlapCopiesSuppressed = new LongAdder();
    private final LongAdder published = new LongAdder();
    private final LongAdder publishConfirmed = new LongAdder();
    private final LongAdder publishFailed = new LongAdder();
    private final LongAdder receiveMaximumExceeded = new LongAdder();
    private volatile int inboundInflight;
    private volatile int outboundInflight;
    private volatile int pendingPublishes;

    public long received() {
        return received.sum();
    }

    public long acknowledged() {
        return acknowledged.sum();
    }

    public long duplicatesSuppressed() {
        return duplicatesSuppressed.sum();
    }

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

    public long receiveMaximumExceeded() {
        return receiveMaximumExceeded.sum();
    }

    public int inboundInflight() {
        return inboundInflight;
    }

    public int outboundInflight() {
        return outboundInflight;
    }

    public int pendingPublishes() {
        return pendingPublishes;
    }

    void onReceived() {
        received.increment();
    }

    void onAcknowledged() {
        acknowledged.increment();
    }

    void onDuplicateSuppressed() {
        duplicatesSuppressed.increment();
    }

    void onOverlapCopySuppressed() {
        overlapCopiesSuppressed.increment();
    }

    void onPublished() {
        published.increment();
    }

    void onPublishConfirmed() {
        publishConfirmed.increment();
    }

    void onPublishFailed() {
        publishFailed.increment();
    }

    void onReceiveMaximumExceeded() {
        receiveMaximumExceeded.increment();
    }

    void inboundInflight(int n) {
        inboundInflight = n;
    }

    void outboundInflight(int n, int pending) {
        outboundInflight = n;
        pendingPublishes = pending;
    }
}
