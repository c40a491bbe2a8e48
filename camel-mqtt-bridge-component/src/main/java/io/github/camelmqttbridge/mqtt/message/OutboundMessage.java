package io.github.camelmqttbridge.mqtt.message;

import java.util.Objects;

/** A message to publish. The payload array is not copied: do not modify it after handing it over. */
public record OutboundMessage(String topic, byte[] payload, int qos, boolean retain, MessageProperties properties) {

    public OutboundMessage {
        Objects.requireNonNull(topic, "topic");
        payload = payload == null ? new byte[0] : payload;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("QoS must be 0, 1 or 2, was " + qos);
        }
        properties = properties == null ? MessageProperties.NONE : properties;
    }

    public static OutboundMessage of(String topic, byte[] payload, int qos) {
        return new OutboundMessage(topic, payload, qos, false, MessageProperties.NONE);
    }
}
