package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * MQTT bytes in binary WebSocket frames (MQTT 5 section 6): every outbound MQTT packet becomes one binary frame;
 * inbound binary and continuation frames are unwrapped into the byte stream the MQTT decoder reads, so a packet
 * may span frames and a frame may hold several packets. A text frame is a protocol error. Ping, pong and close
 * frames are answered by Netty's WebSocket protocol handler in front of this one. Closing the channel sends a
 * close frame (1000) first, so the broker sees a clean WebSocket close.
 */
final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    private static final long CLOSE_FRAME_WAIT_MILLIS = 1000;

    private final String serverUri;
    private boolean open;
    private boolean closing;

    WebSocketFrameCodec(String serverUri) {
        this.serverUri = serverUri;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        out.add(new BinaryWebSocketFrame(bytes.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
        } else {
            ctx.fireExceptionCaught(new MqttProtocolException(0x82, "Broker " + serverUri + " sent a "
                    + frame.getClass().getSimpleName() + "; MQTT over WebSocket carries binary frames only"));
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            open = true;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (!open || closing || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        closing = true;
        // The close frame goes first; the socket closes when it is written, or after a second if it cannot be.
        Runnable closeOnce = new Runnable() {
            private boolean done;

            @Override
            public void run() {
                if (!done) {
                    done = true;
                    ctx.close(promise);
                }
            }
        };
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)).addListener(f -> closeOnce.run());
        ctx.executor().schedule(closeOnce, CLOSE_FRAME_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
