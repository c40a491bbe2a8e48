package io.github.camelmqttbridge.component.consumer;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;

/**
 * One received message on its way through the route, possibly several times (after failures). Its fields other
 * than the message are owned by {@link OrderedLanes} and changed only under the {@link MessageDispatcher}'s lock.
 */
public final class Delivery {

    /** Where a delivery is; see {@link OrderedLanes} for the transitions. */
    enum State {
        /** Arrived, waiting behind earlier messages of its key. */
        WAITING,
        /** Allowed to start: queued for a drainer, parked while suspended, or inside its route call. */
        STARTED,
        /** Its route call returned (handed to an asynchronous step); the exchange has not completed. */
        HANDED_OFF,
        /** The exchange failed; waiting for its redelivery. */
        FAILED,
        /** Completed (acknowledged), or given up. */
        DONE
    }

    private final InboundMessage message;
    final Object key;
    /** Arrival order within the consumer. */
    final long sequence;
    State state = State.WAITING;
    Lane lane;
    /** Failed attempts so far (the redelivery counter the route sees). */
    int attempts;
    /** Not redelivered before this time (System.nanoTime scale), after a failure. */
    long notBeforeNanos;
    /** A wake-up for this delivery is scheduled. */
    boolean wakeUpPending;
    /** The current attempt's route call has not returned yet. */
    boolean inRouteCall;
    /** The current attempt's exchange has not completed yet (guards against a second completion). */
    boolean attemptOpen;

    Delivery(InboundMessage message, Object key, long sequence) {
        this.message = message;
        this.key = key;
        this.sequence = sequence;
    }

    public InboundMessage message() {
        return message;
    }

    /** How often this message failed in the route so far; 0 on the first attempt. */
    public int attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "Delivery[#" + sequence + " " + message.topic() + " key=" + key + " " + state + " attempts=" + attempts + "]";
    }
}
