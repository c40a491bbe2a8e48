package io.github.camelmqttbridge.mqtt.message;

/** When the engine acknowledges an inbound QoS 1/2 message to the broker. */
public enum AckMode {
    /** Only when the application calls {@link InboundMessage#acknowledge()} (the point of this engine). */
    MANUAL,
    /** As soon as the message has been handed to the listener (fire and forget). */
    AUTO
}
