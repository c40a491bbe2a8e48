package io.github.camelmqttbridge.mqtt.message;

import java.util.Objects;

/**
 * The last will the broker publishes if we vanish without DISCONNECT.
 *
 * @param delayIntervalSeconds MQTT 5 only: how long the broker waits before publishing it
 */
public record Will(String topic, byte[] payload, int qos, boolean retain, long delayIntervalSeconds,
        MessageProperties properties) {

    public Will {
        Objects.requireNonNull(topic, "will topic");
        io.github.camelmqttbridge.mqtt.topic.TopicNames.validateTopicName(topic);
        payload = payload == null ? new byte[0] : payload;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("will QoS must be 0, 1 or 2, was " + qos);
        }
        if (delayIntervalSeconds < 0 || delayIntervalSeconds > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("will delay interval must be 0.." + 0xFFFFFFFFL + " seconds, was "
                    + delayIntervalSeconds);
        }
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    public static Will of(String topic, byte[] payload, int qos, boolean retain) {
        return new Will(topic, payload, qos, retain, 0, MessageProperties.NONE);
    }
}
