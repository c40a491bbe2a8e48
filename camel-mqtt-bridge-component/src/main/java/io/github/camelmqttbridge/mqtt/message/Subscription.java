package io.github.camelmqttbridge.mqtt.message;

import java.util.Objects;

/**
 * One topic filter of a SUBSCRIBE with its options (the MQTT 5 ones are ignored on 3.1.1).
 *
 * @param retainHandling         0 send retained messages at subscribe, 1 only if the subscription is new, 2 never
 * @param subscriptionIdentifier MQTT 5 subscription identifier, 0 for none
 */
public record Subscription(String topicFilter, int qos, boolean noLocal, boolean retainAsPublished,
        int retainHandling, int subscriptionIdentifier) {

    public Subscription {
        Objects.requireNonNull(topicFilter, "topicFilter");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS for '" + topicFilter + "' must be 0, 1 or 2, was " + qos);
        }
        if (retainHandling < 0 || retainHandling > 2) {
            throw new IllegalArgumentException("retainHandling must be 0, 1 or 2, was " + retainHandling);
        }
        if (subscriptionIdentifier < 0 || subscriptionIdentifier > 268_435_455) {
            throw new IllegalArgumentException("subscription identifier must be 1..268435455 (0 for none), was "
                    + subscriptionIdentifier);
        }
    }

    public static Subscription of(String topicFilter, int qos) {
        return new Subscription(topicFilter, qos, false, false, 0, 0);
    }
}
