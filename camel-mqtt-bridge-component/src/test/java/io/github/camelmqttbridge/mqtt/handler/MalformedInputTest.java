package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.connack;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.encode;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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

    /** A v5 harness whose CONNECT was written (and dropped): the next packet from the broker is its CONNACK. */
    private static EngineHarness waitingForConnack() {
        EngineHarness h = EngineHarness.v5();
        h.open(true);
        ((ByteBuf) h.out()).release();
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
        try (EngineHarness h = connected(new EngineHarness(options(io.github.camelmqttbridge.mqtt.message.MqttVersion.V5)
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
        try (EngineHarness h = waitingForConnack()) {
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

    /**
     * A QoS 0 PUBLISH on "a/b" with payload "x", built by hand: {@code propertyBytes} are the property block
     * without its length, and {@code propertyLength} is the length it declares.
     */
    private static ByteBuf publishWithProperties(int propertyLength, int... propertyBytes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 3, 'a', '/', 'b', (byte) propertyLength});
        for (int b : propertyBytes) {
            body.write(b);
        }
        body.write('x');
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x30);
        packet.write(body.size());
        packet.writeBytes(body.toByteArray());
        return Unpooled.wrappedBuffer(packet.toByteArray());
    }

    private static EngineHarness subscribedToAll() {
        EngineHarness h = connected(EngineHarness.v5());
        h.subscribe(Subscription.of("#", 0));
        written(h).forEach(ReferenceCountUtil::release);
        return h;
    }

    @Test
    void stringPropertyLongerThanItsPropertyBlockClosesAtOnce() {
        try (EngineHarness h = subscribedToAll()) {
            // Content Type (0x03) declaring 4096 bytes in a property block of 4: the decoder alone would wait for
            // 4 KiB more and end only with keep-alive. No time passes here: the guard must close at once.
            h.inbound(publishWithProperties(4, 0x03, 0x10, 0x00, 'a'));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining(EngineHarness.URI)
                    .hasMessageContaining("malformed packet")
                    .hasMessageContaining("Content Type property (0x03) of 4096 bytes runs past the end of its "
                            + "property block (1 bytes left)");
            assertThat(h.received).isEmpty();
        }
    }

    @Test
    void propertyLengthBeyondThePacketClosesAtOnce() {
        try (EngineHarness h = subscribedToAll()) {
            h.inbound(publishWithProperties(100, 0x01, 0x01));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining("property length of 100 bytes runs past the "
                    + "end of the packet");
        }
    }

    @Test
    void userPropertyWithInvalidUtf8IsMalformed() {
        try (EngineHarness h = subscribedToAll()) {
            // key "k", value: a lone continuation byte
            h.inbound(publishWithProperties(8, 0x26, 0, 1, 'k', 0, 2, 'v', 0x80));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0))
                    .hasMessageContaining("User Property (0x26) value is not well-formed UTF-8");
            assertThat(h.received).isEmpty();
        }
    }

    @Test
    void topicWithTheNullCharacterIsMalformed() {
        try (EngineHarness h = subscribedToAll()) {
            // topic "a\0b", no properties, payload "x"
            h.inbound(Unpooled.wrappedBuffer(new byte[] {0x30, 7, 0, 3, 'a', 0, 'b', 0, 'x'}));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining("topic name that contains the null character");
            assertThat(h.received).isEmpty();
        }
    }

    @Test
    void unknownPropertyIdentifierIsMalformed() {
        try (EngineHarness h = subscribedToAll()) {
            h.inbound(publishWithProperties(2, 0x04, 0x01));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining("unknown property identifier 0x04");
        }
    }

    @Test
    void propertyThePacketTypeMayNotCarryIsMalformed() {
        try (EngineHarness h = subscribedToAll()) {
            // Assigned Client Identifier (0x12) "c": a CONNACK property, never in a PUBLISH
            h.inbound(publishWithProperties(4, 0x12, 0, 1, 'c'));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0)).hasMessageContaining(
                    "PUBLISH with the Assigned Client Identifier property (0x12), which MQTT 5 does not allow in a PUBLISH");
            assertThat(h.received).isEmpty();
        }
    }

    @Test
    void singleUsePropertyTwiceIsRefusedButUserPropertiesMayRepeat() {
        try (EngineHarness h = subscribedToAll()) {
            // two User Properties "k"="v" then the same again: allowed, delivered
            h.inbound(publishWithProperties(14, 0x26, 0, 1, 'k', 0, 1, 'v', 0x26, 0, 1, 'k', 0, 1, 'v'));
            assertThat(h.received).hasSize(1);
            assertThat(h.channel.isOpen()).isTrue();
            // Payload Format Indicator twice: refused
            h.inbound(publishWithProperties(4, 0x01, 1, 0x01, 1));
            assertClosedWith(h, 0x81);
            assertThat(h.connectionsClosed.get(0))
                    .hasMessageContaining("PUBLISH with the Payload Format Indicator property (0x01) more than once");
            assertThat(h.received).hasSize(1);
        }
    }

    @Test
    void connackWithNullCharacterInItsReasonStringFailsTheAttempt() {
        try (EngineHarness h = waitingForConnack()) {
            // CONNACK: flags 0, reason 0, properties: Reason String "a\0b"
            h.inbound(Unpooled.wrappedBuffer(new byte[] {0x20, 9, 0, 0, 6, 0x1F, 0, 3, 'a', 0, 'b'}));
            assertThat(h.connection).isNull();
            assertThat(h.attemptFailures).singleElement().isInstanceOf(MqttProtocolException.class);
            assertThat(((MqttProtocolException) h.attemptFailures.get(0)).reasonCode()).isEqualTo(0x81);
            assertThat(h.attemptFailures.get(0)).hasMessageContaining(
                    "CONNACK whose Reason String property (0x1F) contains the null character U+0000");
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void mqtt311ConnackToAnMqtt5ConnectFailsTheAttemptAtOnce() {
        try (EngineHarness h = waitingForConnack()) {
            // what a 3.1.1-only broker answers: return code 1, unacceptable protocol version, and no properties
            h.inbound(Unpooled.wrappedBuffer(new byte[] {0x20, 2, 0, 1}));
            assertThat(h.attemptFailures).singleElement().isInstanceOf(MqttProtocolException.class);
            assertThat(h.attemptFailures.get(0)).hasMessageContaining("CONNACK that ends before its property length")
                    .hasMessageContaining("does the broker support MQTT 5?");
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void publishWithEveryKindOfPropertyArrivesUnchangedEvenOneByteAtATime() {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PAYLOAD_FORMAT_INDICATOR.value(), 1));
        props.add(new MqttProperties.IntegerProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value(), 3600));
        props.add(new MqttProperties.StringProperty(MqttPropertyType.CONTENT_TYPE.value(), "text/plain; charset=ü"));
        props.add(new MqttProperties.StringProperty(MqttPropertyType.RESPONSE_TOPIC.value(), "réponse/€"));
        props.add(new MqttProperties.BinaryProperty(MqttPropertyType.CORRELATION_DATA.value(),
                new byte[] {0, (byte) 0xFF, (byte) 0xC0, (byte) 0x80}));
        props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), 300_000));
        props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), 1));
        props.add(new MqttProperties.UserProperty("emoji", "\uD83D\uDE00"));
        props.add(new MqttProperties.UserProperty("", ""));
        for (boolean oneByteAtATime : new boolean[] {false, true}) {
            try (EngineHarness h = subscribedToAll()) {
                ByteBuf bytes = encode(V5, MqttMessageBuilders.publish().topicName("a/b").qos(MqttQoS.AT_LEAST_ONCE)
                        .messageId(5).properties(props).payload(Unpooled.wrappedBuffer(new byte[] {7, 8})).build());
                if (oneByteAtATime) {
                    while (bytes.isReadable()) {
                        h.inbound(bytes.readRetainedSlice(1));
                    }
                    bytes.release();
                } else {
                    h.inbound(bytes);
                }
                assertThat(h.connectionsClosed).as("one byte at a time: %s", oneByteAtATime).isEmpty();
                assertThat(h.received).singleElement().satisfies(m -> assertEveryProperty(m));
            }
        }
    }

    private static void assertEveryProperty(InboundMessage m) {
        assertThat(m.topic()).isEqualTo("a/b");
        assertThat(m.payload()).containsExactly(7, 8);
        assertThat(m.properties().payloadFormatUtf8()).isTrue();
        assertThat(m.properties().messageExpiryInterval()).isEqualTo(3600L);
        assertThat(m.properties().contentType()).isEqualTo("text/plain; charset=ü");
        assertThat(m.properties().responseTopic()).isEqualTo("réponse/€");
        assertThat(m.properties().correlationData()).containsExactly(0, 0xFF, 0xC0, 0x80);
        assertThat(m.properties().subscriptionIdentifiers()).containsExactly(300_000);
        assertThat(m.properties().userProperties()).containsExactly(new UserProperty("emoji", "\uD83D\uDE00"),
                new UserProperty("", ""));
    }
}
