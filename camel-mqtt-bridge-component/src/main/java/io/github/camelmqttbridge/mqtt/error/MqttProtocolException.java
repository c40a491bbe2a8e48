package io.github.camelmqttbridge.mqtt.error;

/** The broker broke the protocol (malformed packet, unknown packet id, oversized packet...). */
public class MqttProtocolException extends MqttClientException {
    private final int reasonCode;

    public MqttProtocolException(int reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** The MQTT 5 reason code we closed the connection with (0x81 malformed, 0x82 protocol error, 0x95 too large). */
    public int reasonCode() {
        return reasonCode;
    }
}
