package io.github.camelmqttbridge.mqtt.auth;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;

/**
 * Authentication failed on our side: the authenticator or credentials provider failed, the broker broke the
 * authentication exchange, or it did not prove its identity (e.g. a wrong SCRAM server signature). A refusal by
 * the broker is a {@link io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException} instead.
 */
public class MqttAuthenticationException extends MqttClientException {

    public MqttAuthenticationException(String message) {
        super(message);
    }

    public MqttAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
