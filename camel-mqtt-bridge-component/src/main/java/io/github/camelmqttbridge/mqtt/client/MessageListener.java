package io.github.camelmqttbridge.mqtt.client;

/**
 * Receives inbound messages. Called on the client's event loop: it must not block. Hand slow work to
 * another thread and call {@link InboundMessage#acknowledge()} from there when it is done.
 */
@FunctionalInterface
public interface MessageListener {
    void onMessage(InboundMessage message);
}
