package io.github.camelmqttbridge.mqtt.message;

/**
 * Receives inbound messages. Called on the client's event loop: it must not block. Hand slow work to
 * another thread and call {@link InboundMessage#acknowledge()} from there when it is done.
 *
 * <p>It must not throw. If it does, the error is logged and the message is treated as not taken: it is never
 * acknowledged (a later {@code acknowledge()} of it does nothing), the acknowledgements of later messages are not held
 * behind it, and the broker re-sends it on the next connection of a persistent session.
 *
 * <p>When one {@code subscribe()} call has overlapping filters (say {@code a/#} and {@code a/b}), its listener gets
 * a message that matches several of them once where the broker supports subscription identifiers (MQTT 5); without
 * them (MQTT 3.1.1) it gets it once per copy the broker sends (Mosquitto 2.0 sends a 3.1.1 client one copy).
 */
@FunctionalInterface
public interface MessageListener {
    void onMessage(InboundMessage message);
}
