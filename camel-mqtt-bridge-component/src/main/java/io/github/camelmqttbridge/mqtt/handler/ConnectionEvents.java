package io.github.camelmqttbridge.mqtt.handler;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;

/** What the per-connection handlers report to the client that owns the connection. */
public interface ConnectionEvents {

    /** CONNACK accepted the connection. */
    void connackAccepted(Channel channel, MqttConnAckMessage connack);

    /** The attempt failed before CONNACK accepted it (refused, timed out, TLS, socket error). */
    void attemptFailed(Channel channel, Throwable cause);

    /** An accepted connection ended; {@code cause} says why (never null). */
    void connectionClosed(Channel channel, Throwable cause);
}
