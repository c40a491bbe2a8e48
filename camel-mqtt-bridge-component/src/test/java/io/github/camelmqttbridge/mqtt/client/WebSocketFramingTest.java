package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttTransportException;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.WebSocketOptions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket framing rules of MQTT 5 section 6, checked against a scripted broker over a real socket (Netty's
 * server-side WebSocket codec, MQTT bytes written by hand): packets split across frames and continuation frames,
 * several packets in one frame, a text frame refused, and a failed upgrade reported in words.
 */
class WebSocketFramingTest {

    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(MqttClient::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        MqttClient c = new MqttClient(b.build());
        clients.add(c);
        return c;
    }

    /** What the broker does after the client's SUBSCRIBE (the first frame after CONNECT). */
    private interface Script {
        void afterSubscribe(ChannelHandlerContext ctx, int packetId);
    }

    /** Accepts the WebSocket upgrade on /mqtt with subprotocol mqtt, answers CONNECT and SUBSCRIBE, then plays. */
    private final class ScriptedWebSocketBroker {
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        /** Headers of every upgrade request, as "name: value". */
        final List<String> upgradeHeaders = new CopyOnWriteArrayList<>();
        final Channel server;

        ScriptedWebSocketBroker(Script script) throws InterruptedException {
            this(script, "mqtt");
        }

        ScriptedWebSocketBroker(Script script, String subprotocols) throws InterruptedException {
            server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new io.netty.channel.ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            if (msg instanceof FullHttpRequest request) {
                                                request.headers().forEach(h -> upgradeHeaders.add(h.getKey() + ": "
                                                        + h.getValue()));
                                            }
                                            ctx.fireChannelRead(msg);
                                        }
                                    },
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath("/mqtt").subprotocols(subprotocols).build()),
                                    new NotFound(),
                                    new Frames(script));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
        }

        String url(String path) {
            return "ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path;
        }

        /** Requests for other paths than /mqtt get 404. */
        private final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                seen.add("http " + request.uri());
                DefaultFullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                        HttpResponseStatus.NOT_FOUND);
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private final class Frames extends SimpleChannelInboundHandler<WebSocketFrame> {
            private final Script script;
            private int packets;

            Frames(Script script) {
                this.script = script;
            }

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                // our client writes one MQTT packet per binary frame
                ByteBuf in = frame.content();
                int type = in.getUnsignedByte(0) >> 4;
                seen.add(frame.getClass().getSimpleName() + " type " + type);
                packets++;
                if (type == 1) {
                    ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 0x20, 2, 0, 0 })));
                } else if (type == 8) {
                    int lengthBytes = 1;
                    while ((in.getByte(lengthBytes) & 0x80) != 0) {
                        lengthBytes++;
                    }
                    int packetId = in.getUnsignedShort(1 + lengthBytes);
                    script.afterSubscribe(ctx, packetId);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                seen.add("closed");
            }
        }
    }

    /** An MQTT 3.1.1 QoS 0 PUBLISH, by hand. */
    private static byte[] publish(String topic, String payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + t.length + p.length); // < 128 in these tests
        out.write(t.length >> 8);
        out.write(t.length & 0xFF);
        out.writeBytes(t);
        out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    @Test
    void packetsSplitAcrossFramesAndSharingFramesAllArrive() throws Exception {
        byte[] one = publish("f/1", "first");
        byte[] two = publish("f/2", "second, split over a continuation frame");
        byte[] three = publish("f/3", "third, split over two messages");
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> {
            byte[] suback = { (byte) 0x90, 3, (byte) (packetId >> 8), (byte) packetId, 0 };
            // frame 1 (not final): SUBACK, PUBLISH 1 whole, the first 5 bytes of PUBLISH 2
            ctx.write(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(concat(suback, one, slice(two, 0, 5)))));
            // frame 2 (continuation, final): the rest of PUBLISH 2 and the first 7 bytes of PUBLISH 3
            ctx.write(new ContinuationWebSocketFrame(true, 0,
                    Unpooled.wrappedBuffer(concat(slice(two, 5, two.length), slice(three, 0, 7)))));
            // a new message: the rest of PUBLISH 3
            ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(slice(three, 7, three.length))));
        });
        MqttClient c = client(options(broker.url("/mqtt"), MqttVersion.V3_1_1));
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        c.subscribe("f/#", 0, received);
        await(c.connect());
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 3);
        assertThat(received.texts()).containsExactly("first", "second, split over a continuation frame",
                "third, split over two messages");
        assertThat(received.messages).extracting(InboundMessage::topic).containsExactly("f/1", "f/2", "f/3");
        assertThat(c.isConnected()).isTrue();
        assertThat(broker.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("BinaryWebSocketFrame type 1");
        assertThat(broker.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("BinaryWebSocketFrame type 8");
    }

    @Test
    void aTextFrameClosesTheConnectionAsAProtocolError() throws Exception {
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> {
            ctx.writeAndFlush(new TextWebSocketFrame("not MQTT"));
        });
        MqttClient c = client(options(broker.url("/mqtt"), MqttVersion.V3_1_1).automaticReconnect(false));
        ItSupport.Events events = new ItSupport.Events();
        c.addConnectionListener(events);
        c.subscribe("t/#", 0, new ItSupport.Recorder(true));
        await(c.connect());
        await().atMost(ItSupport.TIMEOUT).until(() -> events.has("lost:"));
        assertThat(c.lastError()).isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("TextWebSocketFrame").hasMessageContaining("binary frames only");
        assertThat(((MqttProtocolException) c.lastError()).reasonCode()).isEqualTo(0x82);
    }

    @Test
    void aRefusedUpgradeSaysSo() throws Exception {
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> { });
        MqttClient c = client(options(broker.url("/not-mqtt"), MqttVersion.V5).automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("WebSocket handshake with " + broker.url("/not-mqtt") + " failed")
                .hasMessageContaining("404");
        assertThat(((MqttTransportException) error).failure()).isEqualTo(MqttTransportException.Failure.WEBSOCKET_HANDSHAKE);
        assertThat(broker.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("http /not-mqtt");
    }

    @Test
    void aBrokerThatKnowsOnlyTheOldSubprotocolNameGetsItFromA311Client() throws Exception {
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> {
            byte[] suback = { (byte) 0x90, 3, (byte) (packetId >> 8), (byte) packetId, 0 };
            ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(concat(suback, publish("o/1", "old name")))));
        }, "mqttv3.1");
        MqttClient c = client(options(broker.url("/mqtt"), MqttVersion.V3_1_1));
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        c.subscribe("o/#", 0, received);
        await(c.connect());
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);

        // MQTT 5 offers "mqtt" only (the old name belongs to MQTT 3.1): this broker does not speak it
        MqttClient v5 = client(options(broker.url("/mqtt"), MqttVersion.V5).automaticReconnect(false));
        assertThat(failure(v5.connect())).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("Invalid subprotocol");
    }

    @Test
    void customHeadersGoWithTheUpgradeButNotIntoTheLog() throws Exception {
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> { });
        String token = "Bearer eyJ-9d3f1c-secret";
        StringBuilder seen = new StringBuilder();
        try (io.github.camelmqttbridge.mqtt.fuzz.LogCapture logs = io.github.camelmqttbridge.mqtt.fuzz.LogCapture.everything()) {
            MqttClient c = client(options(broker.url("/mqtt"), MqttVersion.V3_1_1)
                    .webSocket(WebSocketOptions.of(List.of(), java.util.Map.of("Authorization", token))));
            await(c.connect());
            seen.append(c).append(c.options()).append(c.options().webSocket());
            c.close();
            logs.lines().forEach(l -> seen.append(l.all()).append('\n'));
            assertThat(logs.lines()).isNotEmpty();
        }
        assertThat(broker.upgradeHeaders).contains("Authorization: " + token, "sec-websocket-protocol: mqtt,mqttv3.1");
        assertThat(seen.toString()).doesNotContain("eyJ-9d3f1c-secret");
    }

    @Test
    void aBrokerWithoutTheMqttSubprotocolIsRefused() throws Exception {
        ScriptedWebSocketBroker broker = new ScriptedWebSocketBroker((ctx, packetId) -> { });
        MqttClient c = client(options(broker.url("/mqtt"), MqttVersion.V5).automaticReconnect(false)
                .webSocket(WebSocketOptions.of(List.of("wamp"), java.util.Map.of())));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("WebSocket handshake with " + broker.url("/mqtt") + " failed");
    }
}
