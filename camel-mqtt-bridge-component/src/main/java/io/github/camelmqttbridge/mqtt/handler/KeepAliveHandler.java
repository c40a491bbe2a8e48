package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.MqttConnectionLostException;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keep-alive: a PINGREQ when we have been quiet (or have heard nothing) for most of the keep-alive, and
 * a connection whose PINGRESP does not come back within the keep-alive is declared dead and closed. That
 * is what finds a network path that was cut without a FIN.
 */
public final class KeepAliveHandler extends ChannelDuplexHandler {

    private static final MqttMessage PINGREQ = new MqttMessage(
            new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private final String serverUri;
    private final LongSupplier nanoClock;
    private ChannelHandlerContext ctx;
    private long keepAliveNanos;
    private long lastWrite;
    private long lastRead;
    private boolean awaitingPingResp;
    private long pingSentAt;
    private ScheduledFuture<?> tick;

    public KeepAliveHandler(String serverUri) {
        this(serverUri, System::nanoTime);
    }

    /** {@code nanoClock} is the time source (tests pass one they advance together with the channel's scheduler). */
    KeepAliveHandler(String serverUri, LongSupplier nanoClock) {
        this.serverUri = serverUri;
        this.nanoClock = nanoClock;
        this.lastWrite = nanoClock.getAsLong();
        this.lastRead = lastWrite;
    }

    /** Called once CONNACK fixed the keep-alive (the MQTT 5 Server Keep Alive wins over ours). */
    public void start(int keepAliveSeconds) {
        if (keepAliveSeconds <= 0 || ctx == null) {
            return;
        }
        keepAliveNanos = TimeUnit.SECONDS.toNanos(keepAliveSeconds);
        long periodMillis = Math.max(100, TimeUnit.SECONDS.toMillis(keepAliveSeconds) / 4);
        tick = ctx.executor().scheduleAtFixedRate(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private void check() {
        long now = nanoClock.getAsLong();
        if (awaitingPingResp) {
            if (now - pingSentAt >= keepAliveNanos) {
                stop();
                MqttConnection.close(ctx.channel(), new MqttConnectionLostException("No PINGRESP from " + serverUri
                        + " within " + TimeUnit.NANOSECONDS.toSeconds(keepAliveNanos)
                        + " s: the connection is considered dead"), false);
            }
            return;
        }
        // Ping a bit before the keep-alive runs out, and also when the broker has been silent that long.
        if (now - lastWrite >= keepAliveNanos * 3 / 4 || now - lastRead >= keepAliveNanos * 3 / 4) {
            awaitingPingResp = true;
            pingSentAt = now;
            // Our PINGREQ is traffic too (it does not pass our own write()): without this every tick would ping.
            lastWrite = now;
            ctx.writeAndFlush(PINGREQ, ctx.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = nanoClock.getAsLong();
        if (msg instanceof MqttMessage mqtt && mqtt.fixedHeader() != null
                && mqtt.fixedHeader().messageType() == MqttMessageType.PINGRESP) {
            awaitingPingResp = false;
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastWrite = nanoClock.getAsLong();
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    private void stop() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }
}
