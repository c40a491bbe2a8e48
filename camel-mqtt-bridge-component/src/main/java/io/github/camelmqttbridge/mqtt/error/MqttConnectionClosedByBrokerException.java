package io.github.camelmqttbridge.mqtt.error;

/**
 * The broker ended an accepted connection without a DISCONNECT: the socket was closed (or reset) from its side,
 * not by our keep-alive or a protocol error we found. MQTT 3.1.1 brokers end every refusal after CONNACK this way
 * (RabbitMQ closes the connection instead of refusing a SUBSCRIBE).
 */
public class MqttConnectionClosedByBrokerException extends MqttConnectionLostException {
    public MqttConnectionClosedByBrokerException(String message) {
        super(message);
    }

    public MqttConnectionClosedByBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
