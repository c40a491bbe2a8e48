package io.github.camelmqttbridge.mqtt.session;

/**
 * An outbound QoS 1/2 PUBLISH as the session store keeps it.
 *
 * @param packetId   1..65535
 * @param topic      the topic name (never an alias)
 * @param payload    the payload bytes (not copied: callers must not modify them)
 * @param qos        1 or 2
 * @param retain     retain flag
 * @param released   QoS 2 only: PUBREC received, PUBREL is what must be re-sent
 * @param properties MQTT 5 publish properties in the engine's own encoding (opaque to the store), may be empty
 */
public record StoredPublish(int packetId, String topic, byte[] payload, int qos, boolean retain, boolean released,
        byte[] properties) {

    public StoredPublish withReleased() {
        return new StoredPublish(packetId, topic, payload, qos, retain, true, properties);
    }
}
