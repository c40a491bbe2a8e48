package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * Builds the per-connection MQTT pipeline and turns an accepted CONNACK into a live connection. Shared by
 * {@code MqttClient} (on a socket, after TLS and flush consolidation) and by the handler tests (on an
 * {@code EmbeddedChannel}), so both run exactly the same handlers in the same order.
 */
public final class PipelineAssembler {

    /** The long-lived flows of one client and its session store; they survive connections. */
    public record Flows(InboundPublishFlow inbound, OutboundPublishFlow outbound, SubscriptionFlow subscriptions,
            SessionStore store) {

        /** The flows of one client, wired to each other, configured from {@code options}. */
        public static Flows create(EventLoop loop, SessionStore store, FlowCounters metrics, PacketIdAllocator packetIds,
                MqttClientOptions options) {
            SubscriptionFlow subscriptions = new SubscriptionFlow(packetIds, store);
            InboundPublishFlow inbound = new InboundPublishFlow(loop, store, metrics, subscriptions, options.ackMode(),
                    options.receiveMaximum(), options.version() == MqttVersion.V5 ? options.topicAliasMaximum() : 0,
                    options.strictFlowControl());
            OutboundPublishFlow outbound = new OutboundPublishFlow(packetIds, store, metrics, options.maxInflight(),
                    options.maxPendingPublishes(), options.outboundTopicAliases());
            subscriptions.onListenerAdded(inbound::rerouteUnrouted);
            return new Flows(inbound, outbound, subscriptions, store);
        }
    }

    private PipelineAssembler() {
    }

    /**
     * Adds the MQTT handlers at the end of {@code p}, and at its head (next to the socket, below TLS and flush
     * consolidation) the handler that lets the session store sync before each flush. With {@code codec} false the
     * Netty encoder/decoder are left out, so that tests can exchange {@code MqttMessage} objects directly.
     */
    public static void assemble(ChannelPipeline p, boolean codec, MqttClientOptions options, String clientId,
            String serverUri, ConnectionEvents events, Flows flows) {
        assemble(p, codec, options, options.cleanStart(), clientId, serverUri, events, flows);
    }

    /** As above, with this connection's Clean Start flag (see {@link MqttClientOptions#cleanStart(boolean)}). */
    public static void assemble(ChannelPipeline p, boolean codec, MqttClientOptions options, boolean cleanStart,
            String clientId, String serverUri, ConnectionEvents events, Flows flows) {
        p.addFirst("storeSync", new SessionStoreFlushHandler(flows.store(), serverUri));
        if (codec) {
            p.addLast("frameGuard", new InboundFrameGuard(serverUri, options.maximumPacketSize(),
                    options.version() == MqttVersion.V5));
            p.addLast("decoder", new MqttDecoder(options.maximumPacketSize(), 65535));
            p.addLast("encoder", MqttEncoder.INSTANCE);
        }
        p.addLast("malformed", new MalformedPacketHandler(serverUri));
        p.addLast("auth", new AuthHandler(options, serverUri));
        p.addLast("connect", new ConnectHandler(options, cleanStart, clientId, serverUri, events));
        p.addLast("keepAlive", new KeepAliveHandler(serverUri));
        p.addLast("publishHold", new InboundPublishHold(options.receiveMaximum(), flows.inbound()));
        p.addLast("inbound", flows.inbound());
        p.addLast("outbound", flows.outbound());
        p.addLast("subscriptions", flows.subscriptions());
        p.addLast("guard", new ProtocolGuardHandler(serverUri, options.version() == MqttVersion.V5, events));
    }

    /** What an accepted CONNACK allows: MQTT 5 properties override our defaults. */
    public static ConnectResult connectResult(MqttClientOptions options, String serverUri, String clientId,
            MqttConnAckMessage connack) {
        MqttProperties props = connack.variableHeader().properties();
        boolean v5 = options.version() == MqttVersion.V5;
        boolean sessionPresent = connack.variableHeader().isSessionPresent();
        String assigned = v5 ? PropertiesMapper.stringValue(props, MqttPropertyType.ASSIGNED_CLIENT_IDENTIFIER) : null;
        Integer serverKeepAlive = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.SERVER_KEEP_ALIVE) : null;
        Integer receiveMax = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.RECEIVE_MAXIMUM) : null;
        Integer maxPacket = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.MAXIMUM_PACKET_SIZE) : null;
        Integer aliasMax = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.TOPIC_ALIAS_MAXIMUM) : null;
        Integer maxQos = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.MAXIMUM_QOS) : null;
        Integer retain = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.RETAIN_AVAILABLE) : null;
        Integer subscriptionIds = v5 ? PropertiesMapper.intValue(props, MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE)
                : null;
        return new ConnectResult(serverUri, options.version(), sessionPresent, assigned != null ? assigned : clientId,
                serverKeepAlive != null ? serverKeepAlive : options.keepAliveSeconds(),
                receiveMax != null ? receiveMax : 65535,
                maxPacket != null ? maxPacket : MqttClientOptions.PROTOCOL_MAX_PACKET_SIZE,
                aliasMax != null ? aliasMax : 0, maxQos != null ? maxQos : 2, retain == null || retain == 1,
                v5 && (subscriptionIds == null || subscriptionIds == 1));
    }

    /**
     * The connection is accepted: the end of the channel now counts as a lost connection, keep-alive runs
     * with the negotiated interval, and the flows resume on the new connection (in this order: inbound acks,
     * subscriptions, then outbound re-sends).
     */
    public static MqttConnection start(Channel channel, ConnectResult result, Flows flows) {
        MqttConnection connection = new MqttConnection(channel, result);
        channel.pipeline().get(ProtocolGuardHandler.class).accepted();
        channel.pipeline().get(KeepAliveHandler.class).start(result.keepAliveSeconds());
        flows.inbound().connected(connection, result.sessionPresent());
        flows.subscriptions().connected(connection, result.sessionPresent());
        flows.outbound().connected(connection, result.sessionPresent());
        return connection;
    }

    /** The connection ended: the flows keep their state for the next one. */
    public static void stop(Flows flows) {
        flows.inbound().disconnected();
        flows.outbound().disconnected();
        flows.subscriptions().disconnected();
    }
}
