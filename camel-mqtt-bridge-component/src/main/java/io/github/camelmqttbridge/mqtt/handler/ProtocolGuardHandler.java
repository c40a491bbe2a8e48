package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionClosedByBrokerException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of the pipeline: the broker's DISCONNECT (with its reason), packets no other handler takes
 * (a protocol error), exceptions, and the end of the channel, reported once to the client with its cause.
 */
public final class ProtocolGuardHandler extends ChannelInboundHandlerAdapter {

    private final String serverUri;
    private final boolean v5;
    private final ConnectionEvents events;
    private boolean accepted;

    public ProtocolGuardHandler(String serverUri, boolean v5, ConnectionEvents events) {
        this.serverUri = serverUri;
        this.v5 = v5;
        this.events = events;
    }

    /** From CONNACK on, the end of the channel is a lost connection rather than a failed attempt. */
    public void accepted() {
        accepted = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof MqttMessage mqtt) || mqtt.fixedHeader() == null) {
                return;
            }
            MqttMessageType type = mqtt.fixedHeader().messageType();
            if (type == MqttMessageType.DISCONNECT) {
                int code = 0;
                String reasonString = null;
                String serverReference = null;
                if (mqtt.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header) {
                    code = header.reasonCode() & 0xFF;
                    reasonString = PropertiesMapper.stringValue(header.properties(), MqttPropertyType.REASON_STRING);
                    serverReference = PropertiesMapper.stringValue(header.properties(), MqttPropertyType.SERVER_REFERENCE);
                }
                String reason = ReasonCode.describe(code, PacketKind.DISCONNECT)
                        + (code == 0x8E ? ": another client connected with the same client id" : "");
                MqttConnection.recordCause(ctx.channel(), new MqttServerDisconnectException(serverUri, code, reason,
                        reasonString, serverReference));
                ctx.close();
            } else {
                MqttConnection.close(ctx.channel(), new MqttProtocolException(0x82, "Broker " + serverUri + " sent an unexpected "
                        + type + " packet; closing the connection"), v5);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (accepted && cause instanceof java.net.SocketException && String.valueOf(cause.getMessage()).contains("reset")) {
            // an RST from the broker's side: it ended the connection, the same as a close without DISCONNECT
            MqttConnection.close(ctx.channel(), new MqttConnectionClosedByBrokerException("Broker " + serverUri
                    + " reset the connection", cause), false);
            return;
        }
        MqttConnection.close(ctx.channel(), TlsFailures.describe(serverUri, cause), false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (accepted) {
            Throwable cause = MqttConnection.closeCause(ctx.channel());
            events.connectionClosed(ctx.channel(), cause != null ? cause
                    : new MqttConnectionClosedByBrokerException("Broker " + serverUri + " closed the connection"));
        }
        ctx.fireChannelInactive();
    }
}
