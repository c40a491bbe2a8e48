package io.github.camelmqttbridge.component.consumer;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.TreeSet;

/** The deliveries of one ordering key that are not done yet (see {@link OrderedLanes}). */
final class Lane {

    final Object key;
    /** Arrived and not started, in arrival order. */
    final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    /** Failed and waiting for their redelivery, in arrival order: the earliest goes first. */
    final TreeSet<Delivery> failed = new TreeSet<>(Comparator.comparingLong(d -> d.sequence));
    /** The delivery whose route call has not returned yet: at most one per key, so entry order is arrival order. */
    Delivery entering;
    /** A failed delivery being tried again: nothing else of this key starts until it is done. */
    Delivery retrying;
    /** Started and not completed (entering, handed off, retrying). */
    int inRoute;

    Lane(Object key) {
        this.key = key;
    }

    boolean isIdle() {
        return waiting.isEmpty() && failed.isEmpty() && inRoute == 0 && entering == null;
    }

    /** Paused by a failure: a failed delivery waits for, or is in, its redelivery. */
    boolean isPaused() {
        return retrying != null || !failed.isEmpty();
    }
}
