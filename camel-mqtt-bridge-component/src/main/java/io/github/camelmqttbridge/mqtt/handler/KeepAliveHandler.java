package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
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
 * Keep-alive, and what finds a network path that was cut without a FIN (a "black hole").
 * <ul>
 * <li>A PINGREQ goes out when we have written nothing for 3/4 of the keep-alive (the broker must hear from us
 * within 1.5x) or have read nothing for half of it.</li>
 * <li>The connection is dead when, 5/8 of the keep-alive after the PINGREQ, neither its PINGRESP nor any other
 * byte has arrived. Bytes of a large packet still arriving count as life.</li>
 * <li>Checks run every 1/8 keep-alive, so a black hole is found within 1/2 + 5/8 + 2/8 = 1.375 keep-alives of the
 * last byte the broker got through.</li>
 * <li>While the socket does not read because we stopped it (the inbound hold is full: backpressure, see
 * {@link InboundPublishHold}) an answer cannot arrive: the PINGRESP is not expected then, and its time starts
 * again when reading resumes. PINGREQs still go out every 3/4 keep-alive, so that the broker keeps us. While the inbound flow is merely paused the socket still reads, so PINGRESP is
 * seen and a dead link is found as above.</li>
 * </ul>
 */
public final class KeepAliveHandler extends ChannelDuplexHandler {

    private static final MqttMessage PINGREQ = new MqttMessage(
            new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private final String serverUri;
    private final LongSupplier nanoClock;
    private ChannelHandlerContext ctx;
    private InboundFrameGuard frames;
    private long keepAliveNanos;
    private long lastWrite;
    private long lastRead;
    private boolean awaitingPingResp;
    private long pingSentAt;
    private long bytesAtPing;
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
        frames = ctx.pipeline().get(InboundFrameGuard.class);
        long periodMillis = Math.max(100, TimeUnit.SECONDS.toMillis(keepAliveSeconds) / 8);
        tick = ctx.executor().scheduleAtFixedRate(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private long bytesRead() {
        return frames == null ? 0 : frames.bytesRead();
    }

    private void check() {
        long now = nanoClock.getAsLong();
        if (awaitingPingResp) {
            if (!ctx.channel().config().isAutoRead()) {
                // We stopped reading (backpressure): the answer may be waiting unread. Count from when we read again,
                // and keep the broker hearing from us meanwhile, or it closes us after 1.5 keep-alives.
                pingSentAt = now;
                bytesAtPing = bytesRead();
                if (now - lastWrite >= keepAliveNanos * 3 / 4) {
                    lastWrite = now;
                    ctx.writeAndFlush(PINGREQ, ctx.voidPromise());
                }
            } else if (now - pingSentAt >= keepAliveNanos * 5 / 8) {
                long bytes = bytesRead();
                if (bytes != bytesAtPing) {
                    // Not the answer yet, but the link carries bytes (a large packet is on its way): alive.
                    pingSentAt = now;
                    bytesAtPing = bytes;
                    return;
                }
                stop();
                MqttConnection.close(ctx.channel(), new MqttConnectionLostException("No PINGRESP from " + serverUri
                        + " within " + TimeUnit.NANOSECONDS.toMillis(keepAliveNanos * 5 / 8) + " ms (5/8 of the keep-alive of "
                        + TimeUnit.NANOSECONDS.toSeconds(keepAliveNanos) + " s) and nothing else read: the connection is"
                        + " considered dead"), false);
            }
            return;
        }
        // Ping a bit before the broker's keep-alive runs out, and when the broker has been silent for half of it.
        if (now - lastWrite >= keepAliveNanos * 3 / 4 || now - lastRead >= keepAliveNanos / 2) {
            awaitingPingResp = true;
            pingSentAt = now;
            bytesAtPing = bytesRead();
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
