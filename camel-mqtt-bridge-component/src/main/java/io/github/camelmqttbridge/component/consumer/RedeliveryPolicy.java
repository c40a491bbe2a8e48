package io.github.camelmqttbridge.component.consumer;

/**
 * What happens to a message whose exchange failed. MQTT has no negative acknowledgement: a message that is not
 * acknowledged stays with the broker, so "redeliver" means giving it to the route again ourselves, after a back-off
 * that doubles with each failure of the same message up to a maximum.
 */
public final class RedeliveryPolicy {

    /** The decision for one failure. */
    public enum Decision {
        /** Try the route again after {@link #delayMillis(int)}; the message stays unacknowledged meanwhile. */
        REDELIVER,
        /** maximumRedeliveries reached: acknowledge and drop it (logged at ERROR). */
        GIVE_UP,
        /** ackMode=onReceive: the engine acknowledged it on arrival already; nothing to redeliver. */
        ALREADY_ACKNOWLEDGED
    }

    private final long delayMillis;
    private final long maxDelayMillis;
    private final int maximumRedeliveries;
    private final boolean ackAfterProcessing;

    /**
     * @param delayMillis         the first back-off
     * @param maxDelayMillis      the longest back-off
     * @param maximumRedeliveries redeliveries before giving up; negative: never give up
     * @param ackAfterProcessing  false for ackMode=onReceive
     */
    public RedeliveryPolicy(long delayMillis, long maxDelayMillis, int maximumRedeliveries, boolean ackAfterProcessing) {
        this.delayMillis = Math.max(0, delayMillis);
        this.maxDelayMillis = Math.max(this.delayMillis, maxDelayMillis);
        this.maximumRedeliveries = maximumRedeliveries;
        this.ackAfterProcessing = ackAfterProcessing;
    }

    /** @param attempts failures of this message before the one being decided */
    public Decision decide(int attempts) {
        if (!ackAfterProcessing) {
            return Decision.ALREADY_ACKNOWLEDGED;
        }
        if (maximumRedeliveries >= 0 && attempts >= maximumRedeliveries) {
            return Decision.GIVE_UP;
        }
        return Decision.REDELIVER;
    }

    /** The back-off before redelivery number {@code attempts + 1}: the first delay, doubled per earlier failure. */
    public long delayMillis(int attempts) {
        long delay = delayMillis;
        for (int i = 0; i < attempts && delay < maxDelayMillis; i++) {
            delay = delay > maxDelayMillis / 2 ? maxDelayMillis : delay * 2;
        }
        return Math.min(delay, maxDelayMillis);
    }

    public int maximumRedeliveries() {
        return maximumRedeliveries;
    }
}
