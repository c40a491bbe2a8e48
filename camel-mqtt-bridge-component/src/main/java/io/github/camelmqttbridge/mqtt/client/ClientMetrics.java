package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.handler.FlowCounters;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a client keeps for health checks and JMX; safe to read from any thread. Read-only: the flows count in
 * their own {@link FlowCounters} (mutators private to the handler package), the client itself counts reconnects
 * and remembers the last error (mutators private to this package).
 */
public final class ClientMetrics {
    private final FlowCounters flows;
    private final LongAdder reconnects = new LongAdder();
    private final AtomicReference<String> lastError = new AtomicReference<>();

    ClientMetrics(FlowCounters flows) {
        this.flows = flows;
    }

    public long received() {
        return flows.received();
    }

    public long acknowledged() {
        return flows.acknowledged();
    }

    /** QoS 2 messages the broker re-sent before PUBREL that were not delivered again. */
    public long duplicatesSuppressed() {
        return flows.duplicatesSuppressed();
    }

    /**
     * Copies of a message that one subscribe() call also received through another of its overlapping filters
     * (told apart by subscription identifier): acknowledged without delivery.
     */
    public long overlapCopiesSuppressed() {
        return flows.overlapCopiesSuppressed();
    }

    public long published() {
        return flows.published();
    }

    public long publishConfirmed() {
        return flows.publishConfirmed();
    }

    public long publishFailed() {
        return flows.publishFailed();
    }

    public long reconnects() {
        return reconnects.sum();
    }

    /** QoS 1/2 messages the broker sent beyond our Receive Maximum (accepted unless flow control is strict). */
    public long receiveMaximumExceeded() {
        return flows.receiveMaximumExceeded();
    }

    /** Inbound messages delivered and not yet acknowledged by the application. */
    public int inboundInflight() {
        return flows.inboundInflight();
    }

    public int outboundInflight() {
        return flows.outboundInflight();
    }

    public int pendingPublishes() {
        return flows.pendingPublishes();
    }

    public String lastError() {
        return lastError.get();
    }

    void onReconnect() {
        reconnects.increment();
    }

    void onError(String message) {
        lastError.set(message);
    }
}
