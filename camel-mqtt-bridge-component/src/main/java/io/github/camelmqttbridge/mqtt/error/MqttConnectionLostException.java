package io.github.camelmqttbridge.mqtt.error;

/** The connection ended without a DISCONNECT from either side (socket closed, keep-alive timed out...). */
public class MqttConnectionLostException extends MqttClientException {
    public MqttConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }

    public MqttConnectionLostException(String message) {
        super(message);
    }
}
