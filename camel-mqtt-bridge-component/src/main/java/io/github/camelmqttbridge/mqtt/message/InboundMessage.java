package io.github.camelmqttbridge.mqtt.message;

/**
 * A message the broker delivered. For QoS 1 and 2 the broker gets PUBACK / PUBREC only after
 * {@link #acknowledge()} (in {@link AckMode#MANUAL}); until then the message counts against the
 * receive window. For QoS 0, {@code acknowledge()} only frees the window slot.
 * There is no negative acknowledgement in MQTT: to retry, keep the message and process it again; until it is
 * acknowledged the broker still owns it (and redelivers it to a persistent session after a crash).
 */
public interface InboundMessage {

    String topic();

    /** The payload; a fresh array owned by the caller. */
    byte[] payload();

    int qos();

    boolean retain();

    boolean duplicate();

    /** The broker's packet identifier (0 for QoS 0). */
    int packetId();

    MessageProperties properties();

    /**
     * Tells the broker the message is safely processed. Idempotent, callable from any thread: the ack is
     * handed to the event loop and written in the order MQTT requires.
     */
    void acknowledge();

    boolean isAcknowledged();
}
