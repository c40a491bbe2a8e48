package io.github.camelmqttbridge.mqtt.session;

import java.io.Closeable;
import java.io.IOException;

/**
 * Durable half of an MQTT session: what must survive the connection (and, for the file store, the JVM)
 * so that a reconnect with a persistent session neither loses nor double-delivers a QoS 1/2 message.
 *
 * <p>Called only from the client's event loop, so implementations need no locking of their own. Every
 * mutating call must be durable against a crash of the process when it returns: the engine calls it
 * <em>before</em> the corresponding packet goes on the wire. A store that also guards against power loss can defer
 * the disk flush of its records to {@link #beforeFlush()}, which the engine calls before any packet leaves.
 */
public interface SessionStore extends Closeable {

    /** Opens the store for this client id and returns what it holds (an empty session on first use). */
    StoredSession open(String clientId) throws IOException;

    /** An outbound QoS 1/2 PUBLISH about to be sent for the first time (replaces one with the same packet id). */
    void saveOutbound(StoredPublish publish) throws IOException;

    /** Outbound QoS 2: PUBREC arrived, from now on PUBREL (not the PUBLISH) is what gets re-sent. */
    void markReleased(int packetId) throws IOException;

    /** Outbound flow finished (PUBACK, PUBCOMP, or a refusal): forget the message. */
    void removeOutbound(int packetId) throws IOException;

    /** Inbound QoS 2: we are about to send PUBREC; a re-sent PUBLISH with this id is a duplicate until PUBREL. */
    void addInboundAwaitingRelease(int packetId) throws IOException;

    /** Inbound QoS 2: PUBREL arrived, PUBCOMP is about to be sent. */
    void removeInboundAwaitingRelease(int packetId) throws IOException;

    void saveSubscription(StoredSubscription subscription) throws IOException;

    void removeSubscription(String topicFilter) throws IOException;

    /** The broker has no session for us (or we asked for a clean start): forget everything. */
    void clear() throws IOException;

    /**
     * Called on the event loop right before packets are flushed to the network. The packets may depend on any record
     * written so far, so a store that promises durability against power loss forces its pending records to disk
     * here (one fsync for all records since the last flush). When it throws, nothing is sent and the connection is
     * closed. The default does nothing.
     */
    default void beforeFlush() throws IOException {
        // records are as durable as the store makes them when each call returns
    }
}
