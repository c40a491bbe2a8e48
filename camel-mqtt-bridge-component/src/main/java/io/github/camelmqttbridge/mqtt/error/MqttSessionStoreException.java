package io.github.camelmqttbridge.mqtt.error;

/**
 * The session store could not record (or forget) what the next packet depends on, so the engine closed the
 * connection instead of sending it: the broker keeps the message or the QoS 2 state and sends it again on the next
 * connection, when the store may work again. The message names the packet, the store operation and the I/O error.
 */
public class MqttSessionStoreException extends MqttClientException {
    public MqttSessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
