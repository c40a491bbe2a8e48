package io.github.camelmqttbridge.mqtt.error;

/**
 * The way to the broker failed before MQTT started: the proxy refused (or wanted other credentials), or the
 * WebSocket handshake failed. {@link #failure()} says which, for a reconnect policy that treats a refused
 * credential differently from a network error.
 */
public class MqttTransportException extends MqttConnectionLostException {

    /** Where the way to the broker broke. */
    public enum Failure {
        /** The proxy refused our proxy credentials, or wants some and we gave none. */
        PROXY_AUTHENTICATION,
        /** The proxy could not or would not connect us to the broker, or did not answer in time. */
        PROXY,
        /** The broker (or a gateway in front of it) refused the WebSocket upgrade. */
        WEBSOCKET_HANDSHAKE
    }

    private final Failure failure;

    public MqttTransportException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
