package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;

/** Learns about the connection's life. Called on the event loop: do not block. */
public interface ConnectionListener {

    /** A CONNACK accepted us. {@code reconnect} is false for the first connection of this client. */
    default void connected(ConnectResult result, boolean reconnect) {
    }

    /** The connection ended other than by {@link MqttClient#disconnect()}. */
    default void connectionLost(Throwable cause) {
    }

    /** The next connection attempt will start after this delay. */
    default void reconnecting(int attempt, long delayMillis, Throwable lastError) {
    }

    /**
     * The broker said it no longer holds our session (session present = false after a persistent session):
     * subscriptions were re-made, but messages it held for us may be gone.
     */
    default void sessionLost() {
    }

    /** After the broker lost our session, these subscriptions were made again (all granted). */
    default void resubscribed(SubscribeResult result) {
    }

    /** After the broker lost our session, re-making these subscriptions was refused. */
    default void subscriptionRefused(SubscribeResult result) {
    }
}
