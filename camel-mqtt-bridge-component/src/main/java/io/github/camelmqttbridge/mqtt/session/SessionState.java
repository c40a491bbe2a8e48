package io.github.camelmqttbridge.mqtt.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The live content of one session, kept in insertion order. Shared by both stores: the memory store is just
 * this, the file store keeps this as the in-memory mirror of its log and replays the log into it.
 */
final class SessionState {

    private static final byte[] NO_PROPERTIES = new byte[0];

    private final Map<Integer, StoredPublish> outbound = new LinkedHashMap<>();
    private final Set<Integer> inboundAwaitingRelease = new LinkedHashSet<>();
    private final Map<String, StoredSubscription> subscriptions = new LinkedHashMap<>();

    /** Validates a publish and replaces null properties by an empty array, so readers never see null. */
    static StoredPublish normalized(StoredPublish publish) {
        Objects.requireNonNull(publish, "publish must not be null");
        checkPacketId(publish.packetId());
        Objects.requireNonNull(publish.topic(), "topic of the publish must not be null");
        Objects.requireNonNull(publish.payload(), "payload of the publish must not be null (use an empty array)");
        if (publish.properties() != null) {
            return publish;
        }
        return new StoredPublish(publish.packetId(), publish.topic(), publish.payload(), publish.qos(),
                publish.retain(), publish.released(), NO_PROPERTIES);
    }

    static void checkPacketId(int packetId) {
        if (packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packet id must be 1..65535 but was " + packetId);
        }
    }

    static StoredSubscription checked(StoredSubscription subscription) {
        Objects.requireNonNull(subscription, "subscription must not be null");
        Objects.requireNonNull(subscription.topicFilter(), "topic filter of the subscription must not be null");
        return subscription;
    }

    /** A re-save of a known packet id counts as a new message: it moves to the end. */
    void saveOutbound(StoredPublish publish) {
        outbound.remove(publish.packetId());
        outbound.put(publish.packetId(), publish);
    }

    /** Keeps the message in its place; unknown ids are ignored (the flow already finished). */
    void markReleased(int packetId) {
        outbound.computeIfPresent(packetId, (id, publish) -> publish.withReleased());
    }

    void removeOutbound(int packetId) {
        outbound.remove(packetId);
    }

    void addInboundAwaitingRelease(int packetId) {
        inboundAwaitingRelease.add(packetId);
    }

    void removeInboundAwaitingRelease(int packetId) {
        inboundAwaitingRelease.remove(packetId);
    }

    /** Replacing a subscription keeps the position where the filter was first subscribed. */
    void saveSubscription(StoredSubscription subscription) {
        subscriptions.put(subscription.topicFilter(), subscription);
    }

    void removeSubscription(String topicFilter) {
        subscriptions.remove(topicFilter);
    }

    void clear() {
        outbound.clear();
        inboundAwaitingRelease.clear();
        subscriptions.clear();
    }

    Iterable<StoredPublish> outbound() {
        return outbound.values();
    }

    Iterable<Integer> inboundAwaitingRelease() {
        return inboundAwaitingRelease;
    }

    Iterable<StoredSubscription> subscriptions() {
        return subscriptions.values();
    }

    /** A copy that later changes of this state do not touch (the records themselves are immutable). */
    SessionState copy() {
        SessionState copy = new SessionState();
        copy.outbound.putAll(outbound);
        copy.inboundAwaitingRelease.addAll(inboundAwaitingRelease);
        copy.subscriptions.putAll(subscriptions);
        return copy;
    }

    StoredSession snapshot() {
        return new StoredSession(new ArrayList<>(outbound.values()), inboundAwaitingRelease,
                new ArrayList<>(subscriptions.values()));
    }
}
