package io.github.camelmqttbridge.mqtt.handler;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The inbound QoS 1/2 side of the session: one entry per packet id the broker is owed an answer for, each in a
 * named phase, and the arrival order in which the acks must leave (MQTT 5 4.6.0-2/-3). No channel, no store, no
 * threads: {@link InboundPublishFlow} feeds it the events and performs what it decides (event loop only).
 *
 * <pre>
 *                    admit (new PUBLISH)
 *                          |
 *   DELIVERED --acknowledged--> ACKED --head of the arrival order--> QoS 1: PUBACK written, DONE
 *      |                          |                                 QoS 2: id stored, PUBREC written,
 *      | resumed()                | resumed()                               AWAITING_PUBREL --PUBREL--> PUBCOMP, DONE
 *      v                          v
 *   DELIVERED_AWAITING_RESEND --acknowledged--> ACKED_AWAITING_RESEND
 *      |  the broker's re-send, or a first transmission (it is past its re-sends)  |
 *      v                                                                            v
 *   DELIVERED                                                                     ACKED
 *
 *   DELIVERED / DELIVERED_AWAITING_RESEND --failed (the listener threw)--> DONE, no ack: the broker keeps the
 *        message and re-sends it on the next connection of the session; the acks behind it are not held
 *   any phase --sessionLost()--> DONE (the broker forgot the session: nothing is owed any more)
 * </pre>
 *
 * A PUBLISH whose id is in the table is not delivered again: in AWAITING_PUBREL it is answered with PUBREC again;
 * in a delivered or acked phase it is a re-send of a message still being processed, answered by that message's
 * ack. The ack of a message from an earlier connection of a resumed session waits for the broker's re-send: written
 * before it, Mosquitto 2.0.11 can release the id and then re-send the PUBLISH, which would be delivered twice
 * (RELIABILITY.md F1).
 */
final class InboundQosTable {

    enum Phase {
        /** With the application; its ack is due on this connection. */
        DELIVERED,
        /** The application is done; the ack waits for the acks of earlier PUBLISH packets. */
        ACKED,
        /** With the application since an earlier connection of the resumed session; the broker will re-send it. */
        DELIVERED_AWAITING_RESEND,
        /** Done by the application while offline (or before the reconnect); the ack answers the broker's re-send. */
        ACKED_AWAITING_RESEND,
        /** QoS 2: id stored, PUBREC written; a re-send is a duplicate, answered with PUBREC again. */
        AWAITING_PUBREL,
        /** Nothing owed any more: ack written and (QoS 2) released, or given up. No longer in the table. */
        DONE
    }

    /** One packet id the broker expects an answer for. */
    static final class Entry {
        private final int packetId;
        private final int qos;
        private Phase phase;
        /** When the PUBLISH arrived (nanoTime), or {@link #UNTIMED}: for the acknowledgement latency. */
        private long arrivedNanos = UNTIMED;

        private Entry(int packetId, int qos, Phase phase) {
            this.packetId = packetId;
            this.qos = qos;
            this.phase = phase;
        }

        int packetId() {
            return packetId;
        }

        int qos() {
            return qos;
        }

        Phase phase() {
            return phase;
        }

        @Override
        public String toString() {
            return packetId + ":" + phase;
        }
    }

    /** {@link Entry}'s arrival time when none was given. */
    static final long UNTIMED = Long.MIN_VALUE;

    /** What draining the arrival order writes; implemented by the flow on the connection. */
    interface AckWriter {
        void puback(int packetId);

        /** After PUBACK / PUBREC of an entry admitted with its arrival time was written. */
        default void written(int qos, long arrivedNanos) {
        }

        /**
         * Records the QoS 2 id in the session store and writes PUBREC.
         *
         * @return false when the id could not be recorded: nothing was written and draining stops there
         */
        boolean pubrec(int packetId);
    }

    private final Map<Integer, Entry> byPacketId = new HashMap<>();
    /** Entries whose ack has not been written, in the order their PUBLISH arrived. */
    private final ArrayDeque<Entry> arrivalOrder = new ArrayDeque<>();
    /** Entries in one of the AWAITING_RESEND phases: lets a first transmission skip the scan. */
    private int awaitingResend;

    /** QoS 2 ids the session store kept from an earlier run: PUBREC was sent, PUBREL not received. */
    void recoverAwaitingPubrel(Set<Integer> packetIds) {
        for (int id : packetIds) {
            byPacketId.putIfAbsent(id, new Entry(id, 2, Phase.AWAITING_PUBREL));
        }
    }

    /** The phase of this packet id, or {@link Phase#DONE} when the table does not hold it. */
    Phase phaseOf(int packetId) {
        Entry e = byPacketId.get(packetId);
        return e == null ? Phase.DONE : e.phase;
    }

    /** A new QoS 1/2 PUBLISH handed to the application. The id must not be in the table. */
    Entry admit(int packetId, int qos) {
        return admit(packetId, qos, UNTIMED);
    }

    /** As {@link #admit(int, int)}, remembering when the PUBLISH arrived (nanoTime) for {@link AckWriter#written}. */
    Entry admit(int packetId, int qos, long arrivedNanos) {
        if (qos < 1 || qos > 2) {
            throw new IllegalArgumentException("only QoS 1 and 2 messages are owed an answer, was QoS " + qos);
        }
        Entry e = new Entry(packetId, qos, Phase.DELIVERED);
        e.arrivedNanos = arrivedNanos;
        Entry previous = byPacketId.putIfAbsent(packetId, e);
        if (previous != null) {
            throw new IllegalStateException("packet id " + packetId + " is already in phase " + previous.phase);
        }
        arrivalOrder.add(e);
        return e;
    }

    /**
     * The broker re-sent a PUBLISH with this id. For an entry awaiting its re-send that ends the wait.
     *
     * @return true when an entry stopped waiting for its re-send (its ack may now be due: drain)
     */
    boolean resendArrived(int packetId) {
        Entry e = byPacketId.get(packetId);
        return e != null && stopAwaitingResend(e);
    }

    /** A first transmission arrived: the broker is past its re-sends, no ack waits for one any longer. */
    boolean resendsOver() {
        if (awaitingResend == 0) {
            return false; // the usual case: without this check every PUBLISH would scan the whole window
        }
        for (Entry e : arrivalOrder) {
            stopAwaitingResend(e);
        }
        return true;
    }

    private boolean stopAwaitingResend(Entry e) {
        if (e.phase == Phase.DELIVERED_AWAITING_RESEND) {
            e.phase = Phase.DELIVERED;
        } else if (e.phase == Phase.ACKED_AWAITING_RESEND) {
            e.phase = Phase.ACKED;
        } else {
            return false;
        }
        awaitingResend--;
        return true;
    }

    /** The application acknowledged the message. Late acks of entries already DONE change nothing. */
    void acknowledged(Entry e) {
        if (e.phase == Phase.DELIVERED) {
            e.phase = Phase.ACKED;
        } else if (e.phase == Phase.DELIVERED_AWAITING_RESEND) {
            e.phase = Phase.ACKED_AWAITING_RESEND;
        }
    }

    /**
     * The application could not take the message (its listener threw): no ack is written for it, so the broker
     * keeps it and re-sends it on the next connection of the session, and the acks behind it are not held.
     *
     * @return true when the entry left the arrival order (its ack was still owed)
     */
    boolean failed(Entry e) {
        if (e.phase != Phase.DELIVERED && e.phase != Phase.DELIVERED_AWAITING_RESEND) {
            return false;
        }
        if (e.phase == Phase.DELIVERED_AWAITING_RESEND) {
            awaitingResend--;
        }
        arrivalOrder.remove(e);
        byPacketId.remove(e.packetId);
        e.phase = Phase.DONE;
        return true;
    }

    /**
     * Writes the acks that are due: from the head of the arrival order while the head is ACKED.
     *
     * @return how many acks were written
     */
    int drain(AckWriter writer) {
        int written = 0;
        Entry head;
        while ((head = arrivalOrder.peek()) != null && head.phase == Phase.ACKED) {
            if (head.qos == 1) {
                writer.puback(head.packetId);
                arrivalOrder.poll();
                byPacketId.remove(head.packetId);
                head.phase = Phase.DONE;
            } else {
                if (!writer.pubrec(head.packetId)) {
                    break;
                }
                arrivalOrder.poll();
                head.phase = Phase.AWAITING_PUBREL;
            }
            if (head.arrivedNanos != UNTIMED) {
                writer.written(head.qos, head.arrivedNanos);
            }
            written++;
        }
        return written;
    }

    /**
     * PUBREL arrived; the caller has already forgotten the id in the session store.
     *
     * @return true when the id was awaiting PUBREL (false: unknown id, answered with 0x92 on MQTT 5)
     */
    boolean released(int packetId) {
        Entry e = byPacketId.get(packetId);
        if (e == null || e.phase != Phase.AWAITING_PUBREL) {
            return false;
        }
        byPacketId.remove(packetId);
        e.phase = Phase.DONE;
        return true;
    }

    /**
     * The broker gave an id awaiting PUBREL to a new QoS 1 message: it has finished the old QoS 2 flow on its side
     * (it cannot re-send the old message under an id it reused), so the entry ends without PUBCOMP.
     */
    void abandonRelease(int packetId) {
        Entry e = byPacketId.get(packetId);
        if (e != null && e.phase == Phase.AWAITING_PUBREL) {
            byPacketId.remove(packetId);
            e.phase = Phase.DONE;
        }
    }

    /**
     * Reconnected with the session present: the broker re-sends (DUP=1, same id) every PUBLISH it has no ack for,
     * which includes every entry whose ack was not written. Their acks now answer those re-sends.
     */
    void resumed() {
        for (Entry e : arrivalOrder) {
            if (e.phase == Phase.DELIVERED) {
                e.phase = Phase.DELIVERED_AWAITING_RESEND;
                awaitingResend++;
            } else if (e.phase == Phase.ACKED) {
                e.phase = Phase.ACKED_AWAITING_RESEND;
                awaitingResend++;
            }
        }
    }

    /**
     * Reconnected without the session: the broker forgot its side, the ids mean nothing now. Every entry is
     * DONE; the application's late acks of them write nothing.
     */
    void sessionLost() {
        for (Entry e : byPacketId.values()) {
            e.phase = Phase.DONE;
        }
        byPacketId.clear();
        arrivalOrder.clear();
        awaitingResend = 0;
    }

    /** Messages whose ack has not been written (what counts against our Receive Maximum). */
    int unacknowledged() {
        return arrivalOrder.size();
    }

    int awaitingPubrel() {
        return byPacketId.size() - arrivalOrder.size();
    }

    int awaitingResend() {
        return awaitingResend;
    }

    /** For tests and log lines: the phases in arrival order, then the ids awaiting PUBREL. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (Entry e : arrivalOrder) {
            b.append(b.length() > 1 ? " " : "").append(e);
        }
        for (Iterator<Entry> it = byPacketId.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.phase == Phase.AWAITING_PUBREL) {
                b.append(b.length() > 1 ? " " : "").append(e);
            }
        }
        return b.append(']').toString();
    }
}
