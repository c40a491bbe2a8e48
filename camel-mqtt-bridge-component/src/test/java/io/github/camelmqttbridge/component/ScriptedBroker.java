package io.github.camelmqttbridge.component;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fake MQTT broker for wire-level scripts the real brokers cannot be made to play (a refused SUBSCRIBE, a QoS 2
 * PUBLISH re-sent before PUBREL). It answers PINGREQ by itself and SUBSCRIBE with {@link #subackCode} per filter;
 * everything else the client sends is queued on its {@link Connection} for the test to take and answer.
 */
final class ScriptedBroker implements AutoCloseable {

    static final long WAIT_SECONDS = 10;

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();
    final List<Connection> connections = new CopyOnWriteArrayList<>();
    /** SUBACK code for the n-th SUBSCRIBE (0-based, counted over all connections) given the requested QoS. */
    volatile SubackPolicy subackCode = (n, qos) -> qos;
    /** Answer CONNECT at once with this session-present flag (null: the test answers it). */
    volatile Boolean autoConnack = Boolean.FALSE;
    /** Whether the n-th SUBSCRIBE (0-based, over all connections) is answered at once; else held until released. */
    volatile java.util.function.IntPredicate answerSubscribe = n -> true;
    private int subscribes;

    interface SubackPolicy {
        int code(int subscribeNumber, int requestedQos);
    }

    ScriptedBroker() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection c = new Connection(ch);
                        ch.pipeline().addLast(new MqttDecoder(), MqttEncoder.INSTANCE, new Handler(c));
                        connections.add(c);
                        accepted.add(c);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    String url() {
        return "tcp://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The next connection the client opened. */
    Connection nextConnection() throws InterruptedException {
        Connection c = accepted.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("The client did not connect within " + WAIT_SECONDS + " s");
        }
        return c;
    }

    @Override
    public void close() {
        connections.forEach(c -> c.channel.close());
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private synchronized int nextSubscribeNumber() {
        return subscribes++;
    }

    private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
        private final Connection connection;

        Handler(Connection connection) {
            super(false);
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
            if (msg.decoderResult().isFailure()) {
                connection.received.add(msg);
                return;
            }
            MqttMessageType type = msg.fixedHeader().messageType();
            if (type == MqttMessageType.PINGREQ) {
                ctx.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
                        MqttQoS.AT_MOST_ONCE, false, 0)));
                return;
            }
            if (type == MqttMessageType.CONNECT) {
                connection.connect = (MqttConnectMessage) msg;
                connection.connectReceived.countDown();
                Boolean present = autoConnack;
                if (present != null) {
                    connection.connack(present);
                }
            }
            if (type == MqttMessageType.SUBSCRIBE) {
                MqttSubscribeMessage sub = (MqttSubscribeMessage) msg;
                int n = nextSubscribeNumber();
                int[] codes = sub.payload().topicSubscriptions().stream()
                        .mapToInt(t -> subackCode.code(n, t.qualityOfService().value())).toArray();
                MqttSubAckMessage suback = new MqttSubAckMessage(
                        new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        new MqttMessageIdAndPropertiesVariableHeader(sub.variableHeader().messageId(),
                                MqttProperties.NO_PROPERTIES),
                        new MqttSubAckPayload(codes));
                if (answerSubscribe.test(n)) {
                    ctx.writeAndFlush(suback);
                } else {
                    connection.heldSubacks.add(suback);
                }
                connection.subscribes.add(sub);
                return;
            }
            if (type == MqttMessageType.CONNECT) {
                return;
            }
            connection.received.add(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.closed = true;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** One client connection: what the client sent, in order, and ways to answer. */
    static final class Connection {
        final Channel channel;
        /** What the client sent apart from CONNECT, SUBSCRIBE and PINGREQ. */
        final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        final List<MqttSubscribeMessage> subscribes = new CopyOnWriteArrayList<>();
        /** SUBACKs not sent yet (see answerSubscribe). */
        final List<MqttSubAckMessage> heldSubacks = new CopyOnWriteArrayList<>();
        volatile MqttConnectMessage connect;
        final java.util.concurrent.CountDownLatch connectReceived = new java.util.concurrent.CountDownLatch(1);
        volatile boolean closed;

        Connection(Channel channel) {
            this.channel = channel;
        }

        boolean isV5() {
            return connect != null && connect.variableHeader().version() == MqttVersion.MQTT_5.protocolLevel();
        }

        /** Takes the next packet; fails if it is of another type or none comes in time. */
        MqttMessage expect(MqttMessageType type) throws InterruptedException {
            MqttMessage m = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("Expected " + type + " from the client within " + WAIT_SECONDS + " s");
            }
            if (m.fixedHeader() == null || m.fixedHeader().messageType() != type) {
                throw new AssertionError("Expected " + type + " but the client sent " + m);
            }
            return m;
        }

        /** Waits at most {@code millis} for another packet; null if none came. */
        MqttMessage poll(long millis) throws InterruptedException {
            return received.poll(millis, TimeUnit.MILLISECONDS);
        }

        /** Waits for CONNECT first: the encoder learns the protocol version from it. */
        void connack(boolean sessionPresent) {
            try {
                if (!connectReceived.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("No CONNECT within " + WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            send(MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                    .sessionPresent(sessionPresent).build());
        }

        void publish(String topic, int qos, int packetId, boolean dup, String payload) {
            send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), false, 0),
                    new MqttPublishVariableHeader(topic, packetId, MqttProperties.NO_PROPERTIES),
                    Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)));
        }

        void pubrel(int packetId) {
            send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                    MqttMessageIdVariableHeader.from(packetId)));
        }

        void send(MqttMessage message) {
            channel.writeAndFlush(message).syncUninterruptibly();
        }

        /** Sends the SUBACKs held back so far. */
        void releaseSubacks() {
            for (MqttSubAckMessage suback : heldSubacks) {
                heldSubacks.remove(suback);
                send(suback);
            }
        }

        void drop() {
            channel.close().syncUninterruptibly();
        }

        static int packetId(MqttMessage m) {
            return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        }

        static void release(MqttMessage m) {
            ReferenceCountUtil.release(m);
        }
    }
}
