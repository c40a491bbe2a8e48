package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.github.camelmqttbridge.mqtt.message.Will;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.reason.ConnectReturnCode;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends CONNECT once the socket (and TLS) is up and waits, bounded by the connect timeout, for CONNACK.
 * A refusal becomes {@link MqttConnectionRefusedException} with the code in words.
 */
public final class ConnectHandler extends ChannelInboundHandlerAdapter {

    public static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("mqtt-bridge.version");
    /**
     * Set on a channel before it connects to send Clean Start = 1 whatever the options say: the client starts a new
     * session after the broker offered one we hold no state for (MQTT 5 3.2.2-4, see MqttClient).
     */
    public static final AttributeKey<Boolean> FORCE_CLEAN_START = AttributeKey.valueOf("mqtt-bridge.force-clean-start");

    private final MqttClientOptions options;
    private final boolean cleanStart;
    private final String clientId;
    private final String serverUri;
    private final ConnectionEvents events;
    private ScheduledFuture<?> timeout;
    private boolean finished;
    private boolean cleanStartSent;

    public ConnectHandler(MqttClientOptions options, String clientId, String serverUri, ConnectionEvents events) {
        this(options, options.cleanStart(), clientId, serverUri, events);
    }

    /** {@code cleanStart}: this CONNECT's flag (see {@link MqttClientOptions#cleanStart(boolean)}). */
    public ConnectHandler(MqttClientOptions options, boolean cleanStart, String clientId, String serverUri,
            ConnectionEvents events) {
        this.options = options;
        this.cleanStart = cleanStart;
        this.clientId = clientId;
        this.serverUri = serverUri;
        this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().attr(VERSION).set(options.version());
        cleanStartSent = cleanStart || Boolean.TRUE.equals(ctx.channel().attr(FORCE_CLEAN_START).get());
        long timeoutMillis = options.connectTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> fail(ctx, new MqttConnectionLostException("No CONNACK from " + serverUri
                + " within " + timeoutMillis + " ms (connectionTimeout)")), timeoutMillis, TimeUnit.MILLISECONDS);
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            ctx.writeAndFlush(buildConnect());
        } else {
            ssl.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    ctx.writeAndFlush(buildConnect());
                } else {
                    fail(ctx, TlsFailures.describe(serverUri, f.cause()));
                }
            });
        }
        ctx.fireChannelActive();
    }

    MqttMessage buildConnect() {
        MqttMessageBuilders.ConnectBuilder connect = MqttMessageBuilders.connect()
                .protocolVersion(options.version() == MqttVersion.V5
                        ? io.netty.handler.codec.mqtt.MqttVersion.MQTT_5
                        : io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1)
                .clientId(clientId)
                .cleanSession(cleanStartSent)
                .keepAlive(options.keepAliveSeconds());
        if (options.userName() != null) {
            connect.hasUser(true).username(options.userName());
        }
        if (options.password() != null) {
            connect.hasPassword(true).password(options.password());
        }
        Will will = options.will();
        if (will != null) {
            connect.willFlag(true).willTopic(will.topic()).willMessage(will.payload())
                    .willQoS(MqttQoS.valueOf(will.qos())).willRetain(will.retain());
            if (options.version() == MqttVersion.V5) {
                MqttProperties willProps = PropertiesMapper.toNetty(will.properties());
                if (will.delayIntervalSeconds() > 0) {
                    willProps.add(new MqttProperties.IntegerProperty(MqttPropertyType.WILL_DELAY_INTERVAL.value(),
                            (int) will.delayIntervalSeconds()));
                }
                connect.willProperties(willProps);
            }
        }
        if (options.version() == MqttVersion.V5) {
            MqttProperties props = new MqttProperties();
            if (options.sessionExpiryInterval() > 0) {
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(),
                        (int) options.sessionExpiryInterval()));
            }
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.RECEIVE_MAXIMUM.value(), options.receiveMaximum()));
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.MAXIMUM_PACKET_SIZE.value(),
                    options.maximumPacketSize()));
            if (options.topicAliasMaximum() > 0) {
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS_MAXIMUM.value(),
                        options.topicAliasMaximum()));
            }
            if (!options.connectUserProperties().isEmpty()) {
                MqttProperties.UserProperties user = new MqttProperties.UserProperties();
                for (UserProperty up : options.connectUserProperties()) {
                    user.add(up.key(), up.value());
                }
                props.add(user);
            }
            connect.properties(props);
        }
        return connect.build();
    }

    /** The Clean Start flag of the CONNECT this handler sent. */
    public boolean cleanStartSent() {
        return cleanStartSent;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage mqtt) || mqtt.fixedHeader() == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        MqttMessageType type = mqtt.fixedHeader().messageType();
        if (type == MqttMessageType.CONNACK) {
            ReferenceCountUtil.release(msg);
            if (finished) {
                MqttConnection.close(ctx.channel(), new MqttProtocolException(0x82,
                        "Broker " + serverUri + " sent a second CONNACK; closing the connection"), isV5());
                return;
            }
            onConnAck(ctx, (MqttConnAckMessage) mqtt);
        } else if (!finished) {
            ReferenceCountUtil.release(msg);
            fail(ctx, new MqttProtocolException(0x82, "Broker " + serverUri + " sent " + type
                    + " before CONNACK; closing the connection"));
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onConnAck(ChannelHandlerContext ctx, MqttConnAckMessage connack) {
        int code = connack.variableHeader().connectReturnCode().byteValue() & 0xFF;
        if (code != 0) {
            // MQTT 5 refusals are 0x80 and above; below that on an MQTT 5 CONNECT is a 3.1.1 broker's return code
            // (Moquette answers return code 1, "unacceptable protocol version", as MQTT 5 allows such a broker to)
            boolean v3Code = !isV5() || code < 0x80;
            String reason = v3Code ? ConnectReturnCode.describe(code) : ReasonCode.describe(code, PacketKind.CONNACK);
            if (isV5() && v3Code) {
                reason += code == 1 ? ": the broker does not speak MQTT 5, set protocolVersion=3.1.1"
                        : ", an MQTT 3.1.1 answer to our MQTT 5 CONNECT: does the broker support MQTT 5?";
            }
            String reasonString = isV5() ? PropertiesMapper.stringValue(connack.variableHeader().properties(),
                    MqttPropertyType.REASON_STRING) : null;
            String serverReference = isV5() ? PropertiesMapper.stringValue(connack.variableHeader().properties(),
                    MqttPropertyType.SERVER_REFERENCE) : null;
            fail(ctx, new MqttConnectionRefusedException(serverUri, code,
                    reasonString == null ? reason : reason + " - " + reasonString, serverReference));
            return;
        }
        if (cleanStartSent && connack.variableHeader().isSessionPresent()) {
            // MQTT 5 3.2.2-2 / 3.1.1 3.2.2-1: a clean start is answered with session present = 0. A broker that
            // says otherwise offers a session we cannot hold state for (3.2.2-4: close the connection).
            fail(ctx, new MqttProtocolException(0x82, "Broker " + serverUri + " answered our Clean Start with session"
                    + " present = 1, which MQTT forbids; closing the connection"));
            return;
        }
        finished = true;
        cancelTimeout();
        events.connackAccepted(ctx.channel(), connack);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!finished) {
            fail(ctx, TlsFailures.describe(serverUri, cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            Throwable recorded = MqttConnection.closeCause(ctx.channel());
            fail(ctx, recorded != null ? recorded : new MqttConnectionLostException("Broker " + serverUri
                    + " closed the connection before answering CONNECT" + (isV5()
                            ? " (an MQTT 3.1.1-only broker such as RabbitMQ 3.x does this to an MQTT 5 CONNECT: does it"
                            + " support MQTT 5? Else set protocolVersion=3.1.1)" : "")));
        }
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimeout();
        MqttConnection.close(ctx.channel(), cause, isV5());
        events.attemptFailed(ctx.channel(), MqttConnection.closeCause(ctx.channel()));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    private boolean isV5() {
        return options.version() == MqttVersion.V5;
    }
}
