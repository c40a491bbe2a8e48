package io.github.camelmqttbridge.component.consumer;

import io.github.camelmqttbridge.component.consumer.Delivery.State;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The ordering policy as a state machine, one lane per ordering key: which delivery may start now. Not thread-safe:
 * the {@link MessageDispatcher} calls it under its lock. Every event returns the delivery that may start because of
 * it, or null: at most one, because at most one delivery per key is between "started" and "route call returned".
 *
 * <pre>
 * WAITING --(first of its key, nothing of the key entering, fewer than depth in the route)--> STARTED
 * STARTED --route call returned--> HANDED_OFF          (the next of the key may now start: pipelining)
 * STARTED | HANDED_OFF --exchange completed or given up--> DONE
 * STARTED | HANDED_OFF --exchange failed--> FAILED --(back-off over, earliest failed of its key)--> STARTED
 * </pre>
 * A failure pauses its key: while any of its deliveries is FAILED or being retried nothing new of that key starts,
 * and the failed ones are retried one at a time in arrival order, each after its own back-off. Deliveries of the key
 * that were already in the route carry on; the MQTT engine writes their acks only after the failed one's (acks leave
 * in arrival order). Strict ordering is depth 1: the next starts when the previous one completed. Without ordering
 * every delivery has a lane of its own.
 */
final class OrderedLanes {

    /** Asks for {@link #wakeUp(Delivery)} to be called after a delay. */
    @FunctionalInterface
    interface WakeUps {
        void wakeUpAfter(Delivery delivery, long delayNanos);
    }

    private final boolean keyed;
    private final int depth;
    private final WakeUps wakeUps;
    private final LongSupplier nanoClock;
    private final Map<Object, Lane> lanes = new HashMap<>();
    private long nextSequence;

    OrderedLanes(Ordering ordering, int pipelineDepth, WakeUps wakeUps, LongSupplier nanoClock) {
        this.keyed = ordering != Ordering.NONE;
        this.depth = ordering.depth(pipelineDepth);
        this.wakeUps = wakeUps;
        this.nanoClock = nanoClock;
    }

    /** A message arrived with this ordering key (ignored without ordering); returns what may start. */
    Delivery arrived(InboundMessage message, Object key) {
        Delivery d = new Delivery(message, keyed ? key : null, nextSequence++);
        Lane lane = keyed ? lanes.computeIfAbsent(key, Lane::new) : new Lane(null);
        d.lane = lane;
        lane.waiting.add(d);
        return tryStart(lane);
    }

    /** The delivery's route call returned: it was handed to an asynchronous step, or it completed already. */
    Delivery returned(Delivery d) {
        d.inRouteCall = false;
        Lane lane = d.lane;
        if (lane.entering == d) {
            lane.entering = null;
        }
        if (d.state == State.STARTED) {
            d.state = State.HANDED_OFF;
        }
        Delivery next = tryStart(lane);
        forgetIfIdle(lane);
        return next;
    }

    /** The exchange completed successfully, or the delivery was given up: it leaves its lane. */
    Delivery done(Delivery d) {
        d.state = State.DONE;
        d.attemptOpen = false;
        Lane lane = d.lane;
        lane.inRoute--;
        if (lane.retrying == d) {
            lane.retrying = null;
        }
        Delivery next = tryStart(lane);
        forgetIfIdle(lane);
        return next;
    }

    /** The exchange failed; the delivery goes again after {@code delayNanos}, and its key pauses until then. */
    Delivery failed(Delivery d, long delayNanos) {
        d.state = State.FAILED;
        d.attemptOpen = false;
        d.notBeforeNanos = nanoClock.getAsLong() + Math.max(0, delayNanos);
        Lane lane = d.lane;
        lane.inRoute--;
        if (lane.retrying == d) {
            lane.retrying = null;
        }
        lane.failed.add(d);
        return tryStart(lane);
    }

    /** A wake-up asked for by {@link WakeUps} came due. */
    Delivery wakeUp(Delivery d) {
        d.wakeUpPending = false;
        if (d.state != State.FAILED) {
            return null; // cleared meanwhile
        }
        return tryStart(d.lane);
    }

    /** Forgets every lane (the consumer stops): what was not done stays unacknowledged with the broker. */
    void clear() {
        lanes.clear();
    }

    /** Keys with deliveries not done (for tests and diagnostics). */
    int keys() {
        return lanes.size();
    }

    private Delivery tryStart(Lane lane) {
        if (lane.entering != null || lane.retrying != null) {
            return null;
        }
        if (!lane.failed.isEmpty()) {
            Delivery f = lane.failed.first();
            long wait = f.notBeforeNanos - nanoClock.getAsLong();
            if (wait > 0) {
                if (!f.wakeUpPending) {
                    f.wakeUpPending = true;
                    wakeUps.wakeUpAfter(f, wait);
                }
                return null;
            }
            lane.failed.pollFirst();
            lane.retrying = f;
            return start(lane, f);
        }
        if (lane.inRoute >= depth) {
            return null;
        }
        Delivery d = lane.waiting.poll();
        return d == null ? null : start(lane, d);
    }

    private static Delivery start(Lane lane, Delivery d) {
        d.state = State.STARTED;
        d.inRouteCall = true;
        d.attemptOpen = true;
        lane.entering = d;
        lane.inRoute++;
        return d;
    }

    private void forgetIfIdle(Lane lane) {
        if (keyed && lane.isIdle()) {
            lanes.remove(lane.key, lane);
        }
    }
}
