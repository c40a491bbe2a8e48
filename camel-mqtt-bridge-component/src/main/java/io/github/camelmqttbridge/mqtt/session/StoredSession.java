package io.github.camelmqttbridge.mqtt.session;

import java.util.List;
import java.util.Set;

/**
 * What a {@link SessionStore} recovered when it was opened.
 *
 * @param outbound               unfinished outbound QoS 1/2 messages, in the order they were first sent
 * @param inboundAwaitingRelease inbound QoS 2 packet ids we sent PUBREC for and got no PUBREL yet
 * @param subscriptions          the subscriptions of the session, in the order they were made
 */
public record StoredSession(List<StoredPublish> outbound, Set<Integer> inboundAwaitingRelease,
        List<StoredSubscription> subscriptions) {

    public static StoredSession empty() {
        return new StoredSession(List.of(), Set.of(), List.of());
    }

    public StoredSession {
        outbound = List.copyOf(outbound);
        inboundAwaitingRelease = Set.copyOf(inboundAwaitingRelease);
        subscriptions = List.copyOf(subscriptions);
    }

    public boolean isEmpty() {
        return outbound.isEmpty() && inboundAwaitingRelease.isEmpty() && subscriptions.isEmpty();
    }
}
