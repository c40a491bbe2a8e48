package io.github.camelmqttbridge.mqtt.message;

/**
 * Hears how long messages took, for metrics (e.g. a histogram): set with {@code MqttClient.messageTimings(...)}. Called
 * on the client's event loop: record and return, never block. Knows nothing of any metrics library.
 */
public interface MessageTimings {

    /** Records nothing (the default). */
    MessageTimings NONE = new MessageTimings() {
    };

    /**
     * The acknowledgement of a received QoS 1/2 message was written: PUBACK (QoS 1) or PUBREC (QoS 2).
     *
     * @param qos               the message's QoS
     * @param nanosSinceArrival from the PUBLISH's arrival to the acknowledgement being written
     */
    default void acknowledgementWritten(int qos, long nanosSinceArrival) {
    }

    /**
     * A published QoS 1/2 message was confirmed by the broker: PUBACK (QoS 1, or a QoS 2 message the broker downgraded)
     * or PUBCOMP (QoS 2).
     *
     * @param qos                the QoS it was confirmed at
     * @param nanosSincePublish from {@code publish()} taking the message to the confirmation
     */
    default void publishConfirmed(int qos, long nanosSincePublish) {
    }
}
