package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right after the decoder: netty-codec-mqtt reports a bad packet as a message whose decoder result
 * failed (not as an exception). Such a connection cannot be trusted any further: close it with
 * "malformed packet" (0x81) or "packet too large" (0x95).
 */
public final class MalformedPacketHandler extends ChannelInboundHandlerAdapter {

    private final String serverUri;

    public MalformedPacketHandler(String serverUri) {
        this.serverUri = serverUri;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttMessage mqtt && mqtt.decoderResult().isFailure()) {
            Throwable cause = mqtt.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            boolean tooLarge = cause instanceof TooLongFrameException;
            int code = tooLarge ? 0x95 : 0x81;
            String what = tooLarge ? "a packet larger than our maximumPacketSize" : "a malformed packet";
            MqttConnection.close(ctx.channel(), new MqttProtocolException(code, "Broker " + serverUri + " sent " + what
                    + " (" + cause.getMessage() + "); closing the connection"), isV5(ctx));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isV5(ChannelHandlerContext ctx) {
        return ctx.channel().hasAttr(ConnectHandler.VERSION) && ctx.channel().attr(ConnectHandler.VERSION).get()
                == io.github.camelmqttbridge.mqtt.message.MqttVersion.V5;
    }
}
