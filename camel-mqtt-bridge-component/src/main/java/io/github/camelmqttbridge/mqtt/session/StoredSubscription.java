package io.github.camelmqttbridge.mqtt.session;

/**
 * A subscription as the session store keeps it.
 *
 * @param subscriptionIdentifier MQTT 5 subscription identifier, 0 when none
 */
public record StoredSubscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
        int retainHandling, int subscriptionIdentifier) {
}
