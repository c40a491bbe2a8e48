package io.github.camelmqttbridge.mqtt.client;

/** Where the client's connection is. */
public enum ConnectionState {
    /** Not started, or stopped by {@link MqttClient#disconnect()} / {@link MqttClient#close()}. */
    DISCONNECTED,
    CONNECTING,
    CONNECTED,
    /** Lost the connection; waiting out the back-off before the next attempt. */
    RECONNECTING,
    CLOSED
}
