package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.connack;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.encode;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.client.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real MqttDecoder/MqttEncoder in the pipeline, fed bytes as a broker would send them. */
class MalformedInputTest {

    private static final MqttVersion V5 = MqttVersion.MQTT_5;

    private static EngineHarness connected(EngineHarness h) {
        h.open(true);
        ByteBuf connect = h.out();
        assertThat(connect.getUnsignedByte(0) >> 4).isEqualTo(MqttMessageType.CONNECT.value());
        connect.release();
        h.inbound(encode(h.isV5() ? V5 : MqttVersion.MQTT_3_1_1, connack(false, MqttProperties.NO_PROPERTIES)));
        assertThat(h.connection).isNotNull();
        return h;
    }

    /** Decodes what the client wrote, as the broker would read it. */
    private static List<MqttMessage> written(EngineHarness h) {
        EmbeddedChannel broker = new EmbeddedChannel(new MqttDecoder());
        broker.attr(io.netty.util.AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION"))
                .set(h.isV5() ? V5 : MqttVersion.MQTT_3_1_1);
        for (Object o; (o = h.channel.readOutbound()) != null; ) {
            broker.writeInbound(o);
        }
        List<MqttMessage> out = new ArrayList<>();
        for (Object o; (o = broker.readInbound()) != null; ) {
            out.add((MqttMessage) o);
        }
        broker.finishAndReleaseAll();
        return out;
    }

    private static void assertClosedWith(EngineHarness h, int reasonCode) {
        List<MqttMessage> out = written(h);
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
            assertThat(((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode() & 0xFF)
                    .isEqualTo(reasonCode);
        });
        assertThat(h.channel.isOpen()).isFalse();
        assertThat(h.connectionsClosed).singleElement().isInstanceOf(MqttProtocolException.class)
                .matches(e -> ((MqttProtocolException) e).reasonCode() == reasonCode);
    }

    @Test
    void garbageIsAMalformedPacket() {
        try (EngineHarness h = connected(EngineHarness.v5())) {
            h.inbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x02, 0x12, 0x34}));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining("malformed packet");
        }
    }

    @Test
    void remainingLengthOfMoreThanFourBytesIsMalformed() {
        try (EngineHarness h = connected(EngineHarness.v5())) {
            h.inbound(Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}));
            assertClosedWith(h, 0x81);
        }
    }

    @Test
    void packetLargerThanOurMaximumPacketSizeIs0x95() {
        try (EngineHarness h = connected(new EngineHarness(options(io.github.camelmqttbridge.mqtt.client.MqttVersion.V5)
                .maximumPacketSize(64).build()))) {
            h.subscribe(Subscription.of("#", 0));
            written(h).forEach(ReferenceCountUtil::release);
            h.inbound(encode(V5, MqttMessageBuilders.publish().topicName("big").qos(MqttQoS.AT_MOST_ONCE)
                    .payload(Unpooled.wrappedBuffer(new byte[500])).build()));
            assertClosedWith(h, 0x95);
            assertThat(h.received).isEmpty();
        }
    }

    @Test
    void truncatedPacketThenCloseLeaksNothingAndReportsTheLoss() {
        try (EngineHarness h = connected(EngineHarness.v5())) {
            ByteBuf publish = encode(V5, MqttMessageBuilders.publish().topicName("a/b").qos(MqttQoS.AT_LEAST_ONCE)
                    .messageId(1).payload(Unpooled.wrappedBuffer(new byte[100])).build());
            h.inbound(publish.readRetainedSlice(20));
            publish.release();
            assertThat(h.channel.isOpen()).as("waits for the rest").isTrue();
            h.dropConnection();
            assertThat(h.connectionsClosed).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("closed the connection");
        }
    }

    @Test
    void subscribeFromTheBrokerIsAProtocolError() {
        try (EngineHarness h = connected(EngineHarness.v5())) {
            h.inbound(encode(V5, MqttMessageBuilders.subscribe().messageId(3).addSubscription(MqttQoS.AT_LEAST_ONCE, "x")
                    .build()));
            assertClosedWith(h, 0x82);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining("unexpected SUBSCRIBE");
        }
    }

    @Test
    void malformedBeforeConnackFailsTheAttempt() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.open(true);
            ((ByteBuf) h.out()).release();
            h.inbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xF0, 0x00, 0x00}));
            assertThat(h.attemptFailures).singleElement().isInstanceOf(MqttProtocolException.class);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).isEmpty();
        }
    }

    @Test
    void validTrafficStillFlowsThroughTheCodec() {
        try (EngineHarness h = connected(EngineHarness.v5())) {
            h.subscribe(Subscription.of("a/#", 1));
            MqttMessage sub = written(h).get(0);
            h.inbound(encode(V5, SubscriptionFlowTest.suback(EngineHarness.packetId(sub), 1)));
            h.inbound(encode(V5, MqttMessageBuilders.publish().topicName("a/b").qos(MqttQoS.AT_LEAST_ONCE)
                    .messageId(9).payload(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).build()));
            assertThat(h.received).singleElement().satisfies(m -> assertThat(m.payload()).containsExactly(1, 2, 3));
            h.received.get(0).acknowledge();
            List<MqttMessage> out = written(h);
            assertThat(out).singleElement().satisfies(m -> {
                assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
                assertThat(EngineHarness.packetId(m)).isEqualTo(9);
            });
            assertThat(h.channel.isOpen()).isTrue();
        }
    }
}
