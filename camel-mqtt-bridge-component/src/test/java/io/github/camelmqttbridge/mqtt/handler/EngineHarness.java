package io.github.camelmqttbridge.mqtt.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.MemorySessionStore;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's per-connection pipeline, as {@link PipelineAssembler} builds it for MqttClient, on an
 * EmbeddedChannel. The test plays the broker: it writes broker packets inbound and reads what the client
 * wrote outbound. The flows outlive channels, so {@link #open(boolean)} again is a reconnect.
 */
final class EngineHarness implements ConnectionEvents, AutoCloseable {

    static final String URI = "tcp://broker.test:1883";

    final MqttClientOptions options;
    final SessionStore store;
    final PacketIdAllocator packetIds = new PacketIdAllocator();
    final FlowCounters metrics = new FlowCounters();
    final SubscriptionFlow subscriptions;
    final InboundPublishFlow inbound;
    final OutboundPublishFlow outbound;
    final PipelineAssembler.Flows flows;
    final TestLoop loop;
    /** Time for the keep-alive handler; advanced together with the channel's scheduler. */
    final AtomicLong clockNanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));
    final List<Throwable> attemptFailures = new ArrayList<>();
    final List<Throwable> connectionsClosed = new ArrayList<>();
    final List<EmbeddedChannel> channels = new ArrayList<>();
    final List<InboundMessage> received = new ArrayList<>();
    EmbeddedChannel channel;
    MqttConnection connection;
    ConnectResult result;

    EngineHarness(MqttClientOptions options) {
        this(options, new MemorySessionStore());
    }

    EngineHarness(MqttClientOptions options, SessionStore store) {
        this.options = options;
        this.store = store;
        try {
            store.open(options.clientId().isEmpty() ? "harness" : options.clientId());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        this.loop = new TestLoop(() -> channel.eventLoop());
        this.flows = PipelineAssembler.Flows.create(loop, store, metrics, packetIds, options);
        this.subscriptions = flows.subscriptions();
        this.inbound = flows.inbound();
        this.outbound = flows.outbound();
    }

    static MqttClientOptions.Builder options(MqttVersion version) {
        // cleanStart=false: the tests reconnect with session present = 1, which a clean start would make a protocol error
        return MqttClientOptions.builder().serverUri(URI).clientId("test-client").version(version).cleanStart(false);
    }

    static EngineHarness v5() {
        return new EngineHarness(options(MqttVersion.V5).build());
    }

    static EngineHarness v311() {
        return new EngineHarness(options(MqttVersion.V3_1_1).build());
    }

    /** False while the inbound flow is full and PUBLISH packets are held back (see InboundPublishHold). */
    boolean readsPublishes() {
        return !channel.pipeline().get(InboundPublishHold.class).isPaused();
    }

    boolean isV5() {
        return options.version() == MqttVersion.V5;
    }

    /** A new channel with the engine's pipeline; it is active at once, so CONNECT is already written. */
    EmbeddedChannel open(boolean codec) {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        PipelineAssembler.assemble(ch.pipeline(), codec, options, options.clientId(), URI, this, flows);
        ch.pipeline().replace("keepAlive", "keepAlive", new KeepAliveHandler(URI, clockNanos::get));
        ch.freezeTime();
        channel = ch;
        channels.add(ch);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    /** Opens a channel (without codec), takes the CONNECT and accepts it. */
    EmbeddedChannel connect(boolean sessionPresent) {
        return connect(sessionPresent, MqttProperties.NO_PROPERTIES);
    }

    EmbeddedChannel connect(boolean sessionPresent, MqttProperties connackProperties) {
        open(false);
        MqttMessage connect = channel.readOutbound();
        assertThat(connect.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNECT);
        inbound(connack(sessionPresent, connackProperties));
        assertThat(connection).as("CONNACK accepted").isNotNull();
        return channel;
    }

    static MqttConnAckMessage connack(boolean sessionPresent, MqttProperties properties) {
        return MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(sessionPresent).properties(properties).build();
    }

    static MqttProperties props(MqttProperties.MqttPropertyType type, int value) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.IntegerProperty(type.value(), value));
        return p;
    }

    /** Broker to client. */
    void inbound(Object message) {
        channel.writeInbound(message);
    }

    /** The next thing the client wrote, or null. */
    <T> T out() {
        return channel.readOutbound();
    }

    /** Everything the client wrote so far. */
    List<MqttMessage> allOut() {
        List<MqttMessage> all = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            all.add((MqttMessage) o);
        }
        return all;
    }

    /** Moves both the scheduler and the keep-alive clock, in small steps so periodic tasks see time pass. */
    void advance(long millis) {
        long step = 50;
        for (long done = 0; done < millis; done += step) {
            long d = Math.min(step, millis - done);
            clockNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(d));
            channel.advanceTimeBy(d, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
    }

    CompletableFuture<PublishResult> publish(String topic, int qos) {
        return publish(OutboundMessage.of(topic, topic.getBytes(StandardCharsets.UTF_8), qos));
    }

    CompletableFuture<PublishResult> publish(OutboundMessage message) {
        CompletableFuture<PublishResult> f = new CompletableFuture<>();
        outbound.publish(message, f);
        return f;
    }

    CompletableFuture<SubscribeResult> subscribe(Subscription... subs) {
        CompletableFuture<SubscribeResult> f = new CompletableFuture<>();
        subscriptions.subscribe(List.of(subs), received::add, f);
        return f;
    }

    // ---- broker packets ----

    static MqttPublishMessage publishPacket(String topic, int qos, int packetId, boolean dup, MqttProperties props) {
        return new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), false, 0),
                new MqttPublishVariableHeader(topic, packetId, props),
                Unpooled.copiedBuffer(topic + "#" + packetId, StandardCharsets.UTF_8));
    }

    static MqttPublishMessage publishPacket(String topic, int qos, int packetId) {
        return publishPacket(topic, qos, packetId, false, MqttProperties.NO_PROPERTIES);
    }

    static MqttMessage reply(MqttMessageType type, int packetId) {
        return reply(type, packetId, 0);
    }

    static MqttMessage reply(MqttMessageType type, int packetId, int reasonCode) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        Object header = reasonCode == 0 ? MqttMessageIdVariableHeader.from(packetId)
                : new MqttPubReplyMessageVariableHeader(packetId, (byte) reasonCode, MqttProperties.NO_PROPERTIES);
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), header);
    }

    static int packetId(MqttMessage m) {
        if (m instanceof MqttPublishMessage p) {
            return p.variableHeader().packetId();
        }
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    static int disconnectReason(MqttMessage m) {
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode() & 0xFF;
    }

    /** Encodes broker packets to bytes for a client pipeline with the real decoder. */
    static ByteBuf encode(io.netty.handler.codec.mqtt.MqttVersion version, MqttMessage message) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        AttributeKey<io.netty.handler.codec.mqtt.MqttVersion> key = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
        encoder.attr(key).set(version);
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        encoder.finishAndReleaseAll();
        return bytes;
    }

    // ---- ConnectionEvents, as MqttClient does it ----

    @Override
    public void connackAccepted(Channel ch, MqttConnAckMessage connack) {
        result = PipelineAssembler.connectResult(options, URI, options.clientId(), connack);
        if (!result.sessionPresent()) {
            try {
                store.clear();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        connection = PipelineAssembler.start(ch, result, flows);
    }

    @Override
    public void attemptFailed(Channel ch, Throwable cause) {
        attemptFailures.add(cause);
    }

    @Override
    public void connectionClosed(Channel ch, Throwable cause) {
        connectionsClosed.add(cause);
        connection = null;
        PipelineAssembler.stop(flows);
    }

    /** Closes the current channel the way a lost TCP connection would. */
    void dropConnection() {
        channel.close();
        releaseOutbound(channel);
    }

    static void releaseOutbound(EmbeddedChannel ch) {
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void close() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }
}
