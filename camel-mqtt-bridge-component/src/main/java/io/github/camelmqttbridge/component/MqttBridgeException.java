package io.github.camelmqttbridge.component;

import org.apache.camel.RuntimeCamelException;

/** A consumer or producer of the mqtt-bridge component could not do its job; the message says why in words. */
public class MqttBridgeException extends RuntimeCamelException {
    public MqttBridgeException(String message, Throwable cause) {
        super(message, cause);
    }

    public MqttBridgeException(String message) {
        super(message);
    }
}
