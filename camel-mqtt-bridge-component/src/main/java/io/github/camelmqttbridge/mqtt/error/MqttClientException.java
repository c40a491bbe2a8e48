package io.github.camelmqttbridge.mqtt.error;

/** Base of every error the engine reports. Messages say what happened in words, with codes in brackets. */
public class MqttClientException extends RuntimeException {
    public MqttClientException(String message) {
        super(message);
    }

    public MqttClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
