package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.publishPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.Test;

class KeepAliveHandlerTest {

    private static final MqttMessage PINGRESP = new MqttMessage(
            new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private static EngineHarness harness(int keepAlive) {
        return new EngineHarness(options(MqttVersion.V5).keepAliveSeconds(keepAlive).build());
    }

    private static boolean isPing(Object o) {
        return o instanceof MqttMessage m && m.fixedHeader().messageType() == MqttMessageType.PINGREQ;
    }

    @Test
    void pingreqIsSentWhenIdleAndPingrespKeepsTheConnection() {
        try (EngineHarness h = harness(4)) {
            h.connect(false);
            // nothing read for half the keep-alive (2 s): ping
            h.advance(1900);
            assertThat(h.allOut()).isEmpty();
            h.advance(200);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
            h.inbound(PINGRESP);
            // idle for 12 more seconds, answering every ping: one PINGREQ per half keep-alive (rounded up to the next
            // 1/8 check, so every 2.5 s here), not one per tick
            int pings = 0;
            for (int i = 0; i < 120; i++) {
                h.advance(100);
                for (Object o : h.allOut()) {
                    assertThat(o).matches(KeepAliveHandlerTest::isPing);
                    pings++;
                    h.inbound(PINGRESP);
                }
            }
            assertThat(h.channel.isOpen()).isTrue();
            assertThat(pings).isEqualTo(5);
        }
    }

    @Test
    void trafficPostponesThePing() {
        try (EngineHarness h = harness(4)) {
            h.connect(false);
            h.advance(1500);
            h.publish("t", 0);
            h.inbound(EngineHarness.publishPacket("t", 0, 0));
            h.allOut();
            h.advance(1900);
            assertThat(h.allOut()).isEmpty();
            h.advance(200);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
        }
    }

    @Test
    void noPingrespClosesTheConnectionAsDead() {
        try (EngineHarness h = harness(4)) {
            h.connect(false);
            h.advance(2100);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
            // 5/8 of the keep-alive (2.5 s) after the ping, checked every 1/8 (0.5 s)
            h.advance(2300);
            assertThat(h.channel.isOpen()).isTrue();
            h.advance(300);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().isInstanceOf(MqttConnectionLostException.class)
                    .extracting(Throwable::getMessage).asString().contains("No PINGRESP").contains(EngineHarness.URI);
        }
    }

    @Test
    void serverKeepAliveOverridesOurs() {
        try (EngineHarness h = harness(60)) {
            h.connect(false, EngineHarness.props(MqttPropertyType.SERVER_KEEP_ALIVE, 2));
            assertThat(h.result.keepAliveSeconds()).isEqualTo(2);
            h.advance(1600);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
        }
    }

    @Test
    void keepAliveZeroNeverPings() {
        try (EngineHarness h = harness(0)) {
            h.connect(false);
            h.advance(120_000);
            assertThat(h.allOut()).isEmpty();
            assertThat(h.channel.isOpen()).isTrue();
        }
    }

    private static EngineHarness subscribed(EngineHarness h) {
        h.connect(false);
        h.subscribe(Subscription.of("#", 1));
        h.inbound(SubscriptionFlowTest.suback(packetId(h.<MqttMessage>out()), 1));
        return h;
    }

    /** Answers every PINGREQ the client wrote, for {@code millis}; fails on anything else written. */
    private static void answerPings(EngineHarness h, long millis) {
        for (long t = 0; t < millis; t += 100) {
            h.advance(100);
            for (Object o : h.allOut()) {
                assertThat(o).matches(KeepAliveHandlerTest::isPing);
                h.inbound(PINGRESP);
            }
        }
    }

    /** Advances until the channel closes; returns how long that took, or -1 after {@code limit}. */
    private static long millisUntilClosed(EngineHarness h, long limit) {
        for (long t = 0; t <= limit; t += 50) {
            if (!h.channel.isOpen()) {
                return t;
            }
            h.advance(50);
            EngineHarness.releaseOutbound(h.channel);
        }
        return -1;
    }

    @Test
    void aPausedFlowStillReadsSoPingrespKeepsAHealthyConnection() {
        // receiveMaximum 1 and a message the application does not acknowledge: the flow is full. The socket must still
        // be read (PINGRESP, acks of our publishes); only PUBLISH packets wait. Before, reading stopped and the
        // keep-alive closed this healthy connection after ~1.75 keep-alives.
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).keepAliveSeconds(4).receiveMaximum(1).build()))) {
            h.inbound(publishPacket("slow", 1, 1));
            assertThat(h.received).hasSize(1);
            assertThat(h.readsPublishes()).as("flow full").isFalse();
            assertThat(h.channel.config().isAutoRead()).as("the socket is still read").isTrue();

            h.inbound(publishPacket("later", 0, 0));
            assertThat(h.received).as("a PUBLISH waits while the flow is full").hasSize(1);
            answerPings(h, 30_000);
            assertThat(h.channel.isOpen()).as("alive across 7 keep-alives").isTrue();

            h.received.get(0).acknowledge();
            assertThat(h.received).extracting(m -> m.topic()).containsExactly("slow", "later");
        }
    }

    @Test
    void aBlackHoleIsFoundWithinOneAndAHalfKeepAlivesEvenWhileTheFlowIsPaused() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V5).keepAliveSeconds(4).receiveMaximum(1).build()))) {
            answerPings(h, 1_300);
            h.inbound(publishPacket("slow", 1, 1));
            assertThat(h.readsPublishes()).isFalse();
            // from the last packet read: nothing more arrives
            long closedAfter = millisUntilClosed(h, 10_000);
            assertThat(closedAfter).as("closed after %d ms", closedAfter).isBetween(4_000L, 6_000L);
            assertThat(h.connectionsClosed).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("No PINGRESP");
        }
    }

    @Test
    void whenTheHoldIsFullReadingStopsAndTheUnreadPingrespIsNotHeldAgainstTheLink() {
        try (EngineHarness h = subscribed(new EngineHarness(options(MqttVersion.V3_1_1).keepAliveSeconds(4).receiveMaximum(1).build()))) {
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 1, 2));
            InboundPublishHold hold = h.channel.pipeline().get(InboundPublishHold.class);
            assertThat(hold.heldCount()).isEqualTo(1);
            assertThat(h.channel.config().isAutoRead()).as("hold full: the broker keeps the rest").isFalse();
            h.advance(20_000);
            assertThat(h.allOut()).as("the broker still hears from us every 3/4 keep-alive")
                    .filteredOn(KeepAliveHandlerTest::isPing).hasSizeGreaterThanOrEqualTo(6);
            assertThat(h.channel.isOpen()).as("we stopped reading, the link is not to blame").isTrue();

            h.received.get(0).acknowledge();
            assertThat(h.received).hasSize(2);
            assertThat(h.channel.config().isAutoRead()).isTrue();
            // reading again: now a PINGRESP is expected, and its absence is a dead link
            long closedAfter = millisUntilClosed(h, 10_000);
            assertThat(closedAfter).as("closed after %d ms", closedAfter).isBetween(1L, 6_000L);
        }
    }

    @Test
    void bytesOfALargePacketStillArrivingCountAsLife() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).keepAliveSeconds(4).build())) {
            h.open(true);
            ((ByteBuf) h.out()).release();
            h.inbound(EngineHarness.encode(io.netty.handler.codec.mqtt.MqttVersion.MQTT_5,
                    EngineHarness.connack(false, MqttProperties.NO_PROPERTIES)));
            assertThat(h.connection).isNotNull();
            io.netty.handler.codec.mqtt.MqttPublishMessage big = new io.netty.handler.codec.mqtt.MqttPublishMessage(
                    new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                    new io.netty.handler.codec.mqtt.MqttPublishVariableHeader("big", 0, MqttProperties.NO_PROPERTIES),
                    io.netty.buffer.Unpooled.wrappedBuffer(new byte[200_000]));
            ByteBuf bytes = EngineHarness.encode(io.netty.handler.codec.mqtt.MqttVersion.MQTT_5, big);
            // a slow link: a chunk every 400 ms, the whole packet takes ~8 s, well past the PINGRESP deadline
            while (bytes.readableBytes() > 10_000) {
                h.advance(400);
                EngineHarness.releaseOutbound(h.channel); // nothing but our PINGREQ, encoded
                h.inbound(bytes.readRetainedSlice(10_000));
                assertThat(h.channel.isOpen()).isTrue();
            }
            bytes.release();
            long closedAfter = millisUntilClosed(h, 10_000);
            assertThat(closedAfter).as("bytes stopped, then the link is dead").isBetween(1L, 6_000L);
        }
    }
}
