package io.github.camelmqttbridge.mqtt.client;

/**
 * Receives inbound messages. Called on the client's event loop: it must not block. Hand slow work to
 * another thread and call {@link InboundMessage#acknowledge()} from there when it is done.
 *
 * <p>It must not throw. If it does, the error is logged and the message stays unacknowledged; since acks
 * leave in arrival order, later acks then wait behind it until the session is resumed after a reconnect.
 */
@FunctionalInterface
public interface MessageListener {
    void onMessage(InboundMessage message);
}
