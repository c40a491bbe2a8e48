package io.github.camelmqttbridge.mqtt.error;

/** The broker answered a PUBLISH with a reason code of 0x80 or above (MQTT 5). */
public class MqttPublishRefusedException extends MqttClientException {
    private final int reasonCode;

    public MqttPublishRefusedException(String topic, int packetId, int reasonCode, String reason) {
        super("Broker refused the message published to '" + topic + "' (packet id " + packetId + "): " + reason);
        this.reasonCode = reasonCode;
    }

    public int reasonCode() {
        return reasonCode;
    }
}
