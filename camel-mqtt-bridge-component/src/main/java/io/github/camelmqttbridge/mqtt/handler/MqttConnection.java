package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.util.AttributeKey;
import java.util.HashMap;
import java.util.Map;

/**
 * One accepted connection: the channel and what the broker's CONNACK allowed. Lives from CONNACK to close,
 * confined to the event loop. Topic aliases are per connection, so they live here.
 */
public final class MqttConnection {

    static final AttributeKey<Throwable> CLOSE_CAUSE = AttributeKey.valueOf("mqtt-bridge.close-cause");

    private final Channel channel;
    private final ConnectResult limits;
    private final Map<Integer, String> inboundAliases = new HashMap<>();
    private final Map<String, Integer> outboundAliases = new HashMap<>();

    public MqttConnection(Channel channel, ConnectResult limits) {
        this.channel = channel;
        this.limits = limits;
    }

    public Channel channel() {
        return channel;
    }

    public ConnectResult limits() {
        return limits;
    }

    public MqttVersion version() {
        return limits.version();
    }

    public boolean isV5() {
        return limits.version() == MqttVersion.V5;
    }

    /** Whether SUBSCRIBE may carry a subscription identifier and inbound PUBLISH packets are routed by it. */
    public boolean subscriptionIdentifiersAvailable() {
        return isV5() && limits.subscriptionIdentifiersAvailable();
    }

    public boolean isActive() {
        return channel.isActive() && channel.attr(CLOSE_CAUSE).get() == null;
    }

    public void write(Object message) {
        channel.write(message, channel.voidPromise());
    }

    public void writeAndFlush(Object message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /**
     * The inbound flow holds as many messages as it may: further PUBLISH packets are held (see
     * {@link InboundPublishHold}) while every other packet is still read. Without the hold in the pipeline the
     * socket stops reading.
     */
    public void pauseInbound() {
        InboundPublishHold hold = channel.pipeline().get(InboundPublishHold.class);
        if (hold != null) {
            hold.pause();
        } else {
            channel.config().setAutoRead(false);
        }
    }

    /** The inbound flow has room again: what was held is handed on. */
    public void resumeInbound() {
        InboundPublishHold hold = channel.pipeline().get(InboundPublishHold.class);
        if (hold != null) {
            hold.resume();
        } else {
            channel.config().setAutoRead(true);
        }
    }

    Map<Integer, String> inboundAliases() {
        return inboundAliases;
    }

    Map<String, Integer> outboundAliases() {
        return outboundAliases;
    }

    /**
     * Ends the connection because of {@code cause}. A protocol error goes to an MQTT 5 broker as DISCONNECT
     * with its reason code first, so the broker's log says what we objected to.
     */
    public void fail(MqttClientException cause) {
        close(channel, cause, isV5());
    }

    static void close(Channel channel, Throwable cause, boolean v5) {
        if (!channel.hasAttr(CLOSE_CAUSE) || channel.attr(CLOSE_CAUSE).get() == null) {
            channel.attr(CLOSE_CAUSE).set(cause);
        } else {
            return;
        }
        if (v5 && cause instanceof MqttProtocolException protocol && channel.isActive()) {
            channel.writeAndFlush(MqttMessageBuilders.disconnect().reasonCode((byte) protocol.reasonCode()).build())
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /** The reason recorded when we closed the channel ourselves, or null. */
    static Throwable closeCause(Channel channel) {
        return channel.hasAttr(CLOSE_CAUSE) ? channel.attr(CLOSE_CAUSE).get() : null;
    }

    static void recordCause(Channel channel, Throwable cause) {
        if (closeCause(channel) == null) {
            channel.attr(CLOSE_CAUSE).set(cause);
        }
    }
}
