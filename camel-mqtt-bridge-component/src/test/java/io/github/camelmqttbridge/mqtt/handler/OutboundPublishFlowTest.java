package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.props;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class OutboundPublishFlowTest {

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static MqttPublishMessage takePublish(EngineHarness h) {
        MqttMessage m = h.out();
        assertThat(m).isNotNull();
        assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBLISH);
        MqttPublishMessage p = (MqttPublishMessage) m;
        ReferenceCountUtil.release(p);
        return p;
    }

    @Test
    void qos0CompletesWhenWritten() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a/b", 0);
            MqttPublishMessage p = takePublish(h);
            assertThat(p.fixedHeader().qosLevel().value()).isZero();
            assertThat(f).isCompleted();
        }
    }

    @Test
    void qos1CompletesOnPuback() throws Exception {
        try (EngineHarness h = EngineHarness.v311()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a/b", 1);
            MqttPublishMessage p = takePublish(h);
            assertThat(p.fixedHeader().qosLevel().value()).isEqualTo(1);
            assertThat(p.fixedHeader().isDup()).isFalse();
            assertThat(h.store.open("test-client").outbound()).extracting(StoredPublish::packetId)
                    .containsExactly(packetId(p));
            assertThat(f).isNotDone();
            h.inbound(reply(MqttMessageType.PUBACK, packetId(p)));
            assertThat(f.get().qos()).isEqualTo(1);
            assertThat(h.store.open("test-client").outbound()).isEmpty();
            assertThat(h.packetIds.inUseCount()).isZero();
        }
    }

    @Test
    void qos2SendsPubrelAfterPubrecAndCompletesOnPubcomp() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a/b", 2);
            int id = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBREC, id));
            MqttMessage pubrel = h.out();
            assertThat(pubrel.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            assertThat(pubrel.fixedHeader().qosLevel().value()).isEqualTo(1);
            assertThat(packetId(pubrel)).isEqualTo(id);
            assertThat(f).isNotDone();
            assertThat(h.store.open("test-client").outbound()).singleElement().matches(StoredPublish::released);
            // a repeated PUBREC is answered with PUBREL again
            h.inbound(reply(MqttMessageType.PUBREC, id));
            assertThat(packetId(h.out())).isEqualTo(id);
            h.inbound(reply(MqttMessageType.PUBCOMP, id));
            assertThat(f.get().qos()).isEqualTo(2);
            assertThat(h.outbound.inflightCount()).isZero();
        }
    }

    @Test
    void refusalCodesFailTheFutureWithReadableMessage() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> q1 = h.publish("a/q1", 1);
            int id1 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2 = h.publish("a/q2", 2);
            int id2 = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBACK, id1, 0x87));
            h.inbound(reply(MqttMessageType.PUBREC, id2, 0x97));
            assertThat(failure(q1)).isInstanceOf(MqttPublishRefusedException.class)
                    .hasMessageContaining("'a/q1'").hasMessageContaining("not authorized (0x87)");
            assertThat(((MqttPublishRefusedException) failure(q1)).reasonCode()).isEqualTo(0x87);
            assertThat(failure(q2)).isInstanceOf(MqttPublishRefusedException.class).hasMessageContaining("(0x97)");
            Object none = h.out();
            assertThat(none).as("no PUBREL after a refused PUBREC").isNull();
            assertThat(h.outbound.inflightCount()).isZero();
            assertThat(h.channel.isOpen()).isTrue();
        }
    }

    @Test
    void successCodeBelow0x80CompletesNormally() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a", 1);
            h.inbound(reply(MqttMessageType.PUBACK, packetId(takePublish(h)), 0x10));
            assertThat(f.get().reasonCode()).isEqualTo(0x10);
            assertThat(f.get().reason()).contains("0x10");
        }
    }

    @Test
    void windowIsTheSmallerOfMaxInflightAndBrokerReceiveMaximum() throws Exception {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(10).build())) {
            h.connect(false, props(MqttPropertyType.RECEIVE_MAXIMUM, 2));
            CompletableFuture<PublishResult> f1 = h.publish("a/1", 1);
            h.publish("a/2", 2);
            CompletableFuture<PublishResult> f3 = h.publish("a/3", 1);
            int id1 = packetId(takePublish(h));
            int id2 = packetId(takePublish(h));
            Object none = h.out();
            assertThat(none).as("third publish waits").isNull();
            assertThat(h.outbound.pendingCount()).isEqualTo(1);
            // PUBREC does not free a slot: QoS 2 counts until PUBCOMP
            h.inbound(reply(MqttMessageType.PUBREC, id2));
            assertThat(h.<MqttMessage>out().fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            Object stillNone = h.out();
            assertThat(stillNone).isNull();
            h.inbound(reply(MqttMessageType.PUBACK, id1));
            assertThat(f1).isCompleted();
            MqttPublishMessage third = takePublish(h);
            assertThat(third.variableHeader().topicName()).isEqualTo("a/3");
            assertThat(f3).isNotDone();
        }
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(1).build())) {
            h.connect(false, props(MqttPropertyType.RECEIVE_MAXIMUM, 50));
            h.publish("a/1", 1);
            h.publish("a/2", 1);
            assertThat(h.allOut()).hasSize(1);
        }
    }

    @Test
    void qos0WaitsBehindQueuedMessagesToKeepOrder() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(1).build())) {
            h.connect(false);
            h.publish("a/1", 1);
            h.publish("a/2", 1);
            CompletableFuture<PublishResult> q0 = h.publish("a/3", 0);
            int id = packetId(takePublish(h));
            assertThat(q0).isNotDone();
            h.inbound(reply(MqttMessageType.PUBACK, id));
            List<String> topics = new ArrayList<>();
            for (MqttMessage m : h.allOut()) {
                topics.add(((MqttPublishMessage) m).variableHeader().topicName());
                ReferenceCountUtil.release(m);
            }
            assertThat(topics).as("QoS 0 needs no window slot but keeps its place behind a/2").containsExactly("a/2", "a/3");
            assertThat(q0).isCompleted();
        }
    }

    @Test
    void beyondMaxPendingPublishesFailsFast() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(1).maxPendingPublishes(2).build())) {
            h.connect(false);
            h.publish("a/1", 1);
            CompletableFuture<PublishResult> p1 = h.publish("a/2", 1);
            CompletableFuture<PublishResult> p2 = h.publish("a/3", 1);
            CompletableFuture<PublishResult> rejected = h.publish("a/4", 1);
            assertThat(p1).isNotDone();
            assertThat(p2).isNotDone();
            assertThat(failure(rejected)).isInstanceOf(MqttClientException.class)
                    .hasMessageContaining("maxPendingPublishes=2");
            assertThat(h.metrics.publishFailed()).isEqualTo(1);
        }
    }

    @Test
    void offlinePublishesWaitAndGoOutAfterConnack() {
        try (EngineHarness h = EngineHarness.v5()) {
            CompletableFuture<PublishResult> f = h.publish("a/offline", 1);
            assertThat(h.outbound.pendingCount()).isEqualTo(1);
            h.connect(false);
            assertThat(takePublish(h).variableHeader().topicName()).isEqualTo("a/offline");
            assertThat(f).isNotDone();
        }
    }

    @Test
    void packetIdsWrapAroundAndSkipIdsInFlight() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(65535).build())) {
            h.connect(false);
            // hold ids 1 and 2, then run through the rest of the id space
            int first = packetId(takePublish(h.publish("hold/1", 1), h));
            int second = packetId(takePublish(h.publish("hold/2", 1), h));
            assertThat(first).isEqualTo(1);
            assertThat(second).isEqualTo(2);
            int last = 0;
            for (int i = 3; i <= 65535; i++) {
                h.publish("x", 1);
                MqttPublishMessage p = takePublish(h);
                last = packetId(p);
                assertThat(last).isEqualTo(i);
                h.inbound(reply(MqttMessageType.PUBACK, last));
            }
            assertThat(last).isEqualTo(65535);
            h.publish("wrapped", 1);
            assertThat(packetId(takePublish(h))).as("1 and 2 are still in flight").isEqualTo(3);
            h.inbound(reply(MqttMessageType.PUBACK, 1));
            h.publish("again", 1);
            assertThat(packetId(takePublish(h))).isEqualTo(4);
        }
    }

    private static MqttPublishMessage takePublish(CompletableFuture<?> ignored, EngineHarness h) {
        return takePublish(h);
    }

    @Test
    void allIdsInUseMakesPublishWaitInsteadOfReusing() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(65535).build())) {
            h.connect(false);
            for (int i = 1; i <= 65535; i++) {
                h.packetIds.claim(i);
            }
            CompletableFuture<PublishResult> f = h.publish("x", 1);
            Object none = h.out();
            assertThat(none).isNull();
            assertThat(f).isNotDone();
            assertThat(h.outbound.pendingCount()).isEqualTo(1);
        }
    }

    @Test
    void brokerMaximumPacketSizeIsEnforcedExactly() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false, props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 100));
            MessageProperties mp = MessageProperties.builder().contentType("text/plain").userProperty("k", "v").build();
            // find the largest payload whose encoded PUBLISH fits in 100 bytes
            int fits = -1;
            for (int n = 0; n < 100; n++) {
                if (encodedSize(new OutboundMessage("a/b", new byte[n], 1, false, mp)) <= 100) {
                    fits = n;
                }
            }
            assertThat(fits).isPositive();
            CompletableFuture<PublishResult> ok = h.publish(new OutboundMessage("a/b", new byte[fits], 1, false, mp));
            assertThat(ok).as("a packet of exactly the maximum size is allowed").isNotCompletedExceptionally();
            MqttPublishMessage sent = h.out();
            assertThat(encodedSize(sent)).isEqualTo(100);
            CompletableFuture<PublishResult> tooBig = h.publish(new OutboundMessage("a/b", new byte[fits + 1], 1, false, mp));
            assertThat(failure(tooBig)).hasMessageContaining("maximum packet size (100 bytes)");
            Object none = h.out();
            assertThat(none).isNull();
            assertThat(h.packetIds.inUseCount()).isEqualTo(1);
        }
    }

    @Test
    void sizeComputationMatchesTheEncoder() {
        MessageProperties mp = MessageProperties.builder().messageExpiryInterval(60L).contentType("application/json")
                .payloadFormatUtf8(true).responseTopic("reply/to").correlationData(new byte[] {1, 2, 3})
                .userProperty("k", "v").userProperty("k", "\u00e9\u00e9").build();
        for (int n : new int[] {0, 50, 120, 127, 200, 16_300, 16_400, 70_000}) {
            for (int qos = 0; qos <= 2; qos++) {
                OutboundMessage m = new OutboundMessage("s\u00e9nsor/1", new byte[n], qos, false, mp);
                assertThat(OutboundPublishFlow.encodedSize(m, true, false)).as("v5 n=%d qos=%d", n, qos)
                        .isEqualTo(encodedSize(m));
                assertThat(OutboundPublishFlow.encodedSize(m, false, false)).as("3.1.1 n=%d qos=%d", n, qos)
                        .isEqualTo(encodedSize(m, io.netty.handler.codec.mqtt.MqttVersion.MQTT_3_1_1));
            }
        }
    }

    private static int encodedSize(OutboundMessage m) {
        return encodedSize(m, io.netty.handler.codec.mqtt.MqttVersion.MQTT_5);
    }

    private static int encodedSize(OutboundMessage m, io.netty.handler.codec.mqtt.MqttVersion version) {
        return encodedSize(version, new MqttPublishMessage(
                new io.netty.handler.codec.mqtt.MqttFixedHeader(MqttMessageType.PUBLISH, false,
                        io.netty.handler.codec.mqtt.MqttQoS.valueOf(m.qos()), false, 0),
                new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(m.topic(), 1,
                        io.github.camelmqttbridge.mqtt.codec.PropertiesMapper.toNetty(m.properties())),
                io.netty.buffer.Unpooled.wrappedBuffer(m.payload())));
    }

    private static int encodedSize(MqttPublishMessage p) {
        return encodedSize(io.netty.handler.codec.mqtt.MqttVersion.MQTT_5, p);
    }

    private static int encodedSize(io.netty.handler.codec.mqtt.MqttVersion version, MqttPublishMessage p) {
        ByteBuf bytes = EngineHarness.encode(version, p.retain());
        int n = bytes.readableBytes();
        bytes.release();
        ReferenceCountUtil.release(p);
        return n;
    }

    @Test
    void pubackForUnknownIdClosesWithProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.inbound(reply(MqttMessageType.PUBACK, 77));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().isInstanceOf(MqttProtocolException.class)
                    .extracting(Throwable::getMessage).asString().contains("packet id 77");
        }
        try (EngineHarness h = EngineHarness.v311()) {
            h.connect(false);
            h.inbound(reply(MqttMessageType.PUBCOMP, 5));
            Object none = h.out();
            assertThat(none).as("3.1.1 has no DISCONNECT from the client side with a reason").isNull();
            assertThat(h.channel.isOpen()).isFalse();
        }
    }

    @Test
    void qos2AnsweredWithPubackCompletesAsQos1WithOneWarningPerConnection() throws Exception {
        // RabbitMQ 3.x downgrades QoS 2 and answers PUBACK. Before, that closed the connection ("sent PUBACK for packet
        // id 1, which is in state AWAIT_PUBREC") and every reconnect re-sent the window: 313,542 copies delivered.
        try (EngineHarness h = EngineHarness.v311();
                io.github.camelmqttbridge.mqtt.fuzz.LogCapture log = io.github.camelmqttbridge.mqtt.fuzz.LogCapture.start()) {
            h.connect(false);
            List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(h.publish("rabbit/q2", 2));
                ids.add(packetId(takePublish(h)));
            }
            for (int id : ids) {
                h.inbound(reply(MqttMessageType.PUBACK, id));
            }
            assertThat(h.allOut()).as("no PUBREL, no DISCONNECT").isEmpty();
            assertThat(h.channel.isOpen()).isTrue();
            for (CompletableFuture<PublishResult> f : futures) {
                assertThat(f.get().qos()).isEqualTo(1);
                assertThat(f.get().reason()).contains("downgraded it to QoS 1");
            }
            assertThat(h.store.open("test-client").outbound()).isEmpty();
            assertThat(h.packetIds.inUseCount()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.message().contains("downgrades QoS 2")).hasSize(1);

            h.dropConnection();
            h.connect(false);
            h.publish("rabbit/q2", 2);
            h.inbound(reply(MqttMessageType.PUBACK, packetId(takePublish(h))));
            assertThat(log.lines()).as("said again on the next connection")
                    .filteredOn(l -> l.message().contains("downgrades QoS 2")).hasSize(2);
        }
    }

    @Test
    void pubackForAQos2MessageAfterPubrecIsStillAProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a", 2);
            int id = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBREC, id));
            assertThat(h.<MqttMessage>out().fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            h.inbound(reply(MqttMessageType.PUBACK, id));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(f).as("still in flight for the next connection").isNotDone();
        }
    }

    @Test
    void whenPacketIdsRunOutTheQueueWaitsInsteadOfSpinning() {
        // Before, drain() put the message back at the head of the queue and tried again at once, forever.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(10).build())) {
                h.connect(false);
                for (int i = 2; i <= 65535; i++) {
                    h.packetIds.claim(i);
                }
                CompletableFuture<PublishResult> first = h.publish("ids", 1);
                int id = packetId(takePublish(h));
                CompletableFuture<PublishResult> second = h.publish("ids", 1);
                CompletableFuture<PublishResult> third = h.publish("ids", 1);
                assertThat(h.outbound.pendingCount()).isEqualTo(2);
                h.inbound(reply(MqttMessageType.PUBACK, id));
                assertThat(first).isCompleted();
                int next = packetId(takePublish(h));
                assertThat(next).isEqualTo(id);
                assertThat(h.outbound.pendingCount()).isEqualTo(1);
                h.inbound(reply(MqttMessageType.PUBACK, next));
                assertThat(second).isCompleted();
                h.inbound(reply(MqttMessageType.PUBACK, packetId(takePublish(h))));
                assertThat(third).isCompleted();
            }
        });
    }

    @Test
    void resendsAfterReconnectRespectTheNewReceiveMaximum() throws Exception {
        // A broker that came back with a lower Receive Maximum disconnects (0x93) a client that re-sends more.
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).maxInflight(10).build())) {
            h.connect(false);
            List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(h.publish("w/" + i, 1));
                ids.add(packetId(takePublish(h)));
            }
            h.dropConnection();
            h.connect(true, props(MqttPropertyType.RECEIVE_MAXIMUM, 2));
            List<MqttMessage> resent = h.allOut();
            assertThat(resent).extracting(EngineHarness::packetId).containsExactly(ids.get(0), ids.get(1));
            resent.forEach(ReferenceCountUtil::release);
            CompletableFuture<PublishResult> fresh = h.publish("w/new", 1);
            assertThat(h.allOut()).as("a new message waits behind the re-sends").isEmpty();
            for (int i = 0; i < 5; i++) {
                h.inbound(reply(MqttMessageType.PUBACK, ids.get(i)));
                assertThat(futures.get(i).get().qos()).isEqualTo(1);
                List<MqttMessage> next = h.allOut();
                if (i < 3) {
                    assertThat(next).extracting(EngineHarness::packetId).containsExactly(ids.get(i + 2));
                    assertThat(next.get(0).fixedHeader().isDup()).isTrue();
                } else if (i == 3) {
                    assertThat(next).singleElement().extracting(m -> ((MqttPublishMessage) m).variableHeader().topicName())
                            .isEqualTo("w/new");
                    h.inbound(reply(MqttMessageType.PUBACK, packetId(next.get(0))));
                } else {
                    assertThat(next).isEmpty();
                }
                next.forEach(ReferenceCountUtil::release);
            }
            assertThat(fresh).isCompleted();
        }
    }

    @Test
    void aMessageLargerThanTheNewMaximumPacketSizeFailsInsteadOfLoopingAndQos2IsWithdrawn() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> q1 = h.publish(OutboundMessage.of("big/1", new byte[1000], 1));
            int id1 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2 = h.publish(OutboundMessage.of("big/2", new byte[1000], 2));
            int id2 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2b = h.publish(OutboundMessage.of("big/3", new byte[1000], 2));
            int id3 = packetId(takePublish(h));
            CompletableFuture<PublishResult> small = h.publish("small", 1);
            int id4 = packetId(takePublish(h));
            h.dropConnection();

            h.connect(true, props(MqttPropertyType.MAXIMUM_PACKET_SIZE, 100));
            List<MqttMessage> out = h.allOut();
            // QoS 1: the broker holds nothing of it, fail. QoS 2: it may hold the message, so PUBREL tells.
            assertThat(failure(q1)).hasMessageContaining("could not be sent again").hasMessageContaining("maximum packet size");
            assertThat(out).extracting(m -> m.fixedHeader().messageType() + ":" + packetId(m))
                    .containsExactly("PUBREL:" + id2, "PUBREL:" + id3, "PUBLISH:" + id4);
            out.forEach(ReferenceCountUtil::release);
            h.inbound(reply(MqttMessageType.PUBCOMP, id2, 0x92));
            assertThat(failure(q2)).hasMessageContaining("was not delivered").hasMessageContaining("maximum packet size");
            h.inbound(reply(MqttMessageType.PUBCOMP, id3));
            assertThat(q2b.get().reason()).contains("received by the broker");
            h.inbound(reply(MqttMessageType.PUBACK, id4));
            assertThat(small).isCompleted();
            assertThat(h.channel.isOpen()).isTrue();
            assertThat(h.store.open("test-client").outbound()).isEmpty();
            assertThat(h.packetIds.inUseCount()).isZero();
            assertThat(id1).isPositive();
        }
    }

    private static Long expiry(MqttPublishMessage p) {
        var prop = p.variableHeader().properties().getProperty(MqttPropertyType.PUBLICATION_EXPIRY_INTERVAL.value());
        return prop == null ? null : ((Integer) prop.value()).longValue();
    }

    private static OutboundMessage expiring(String topic, int qos, long seconds) {
        return new OutboundMessage(topic, new byte[1], qos, false,
                MessageProperties.builder().messageExpiryInterval(seconds).build());
    }

    @Test
    void messageExpiryCountsDownWhileAMessageWaitsForItsResend() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.outbound.nanoClock(h.clockNanos::get);
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish(expiring("exp/a", 1, 60));
            MqttPublishMessage first = takePublish(h);
            assertThat(expiry(first)).isEqualTo(60);
            h.dropConnection();
            h.clockNanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(20));

            h.connect(true);
            MqttPublishMessage again = takePublish(h);
            assertThat(again.fixedHeader().isDup()).isTrue();
            assertThat(expiry(again)).as("60 s minus the 20 s it waited").isEqualTo(40);
            h.inbound(reply(MqttMessageType.PUBACK, packetId(again)));
            assertThat(f.get().qos()).isEqualTo(1);
        }
    }

    @Test
    void anExpiredMessageIsNotSentAndAnExpiredQos2OneIsWithdrawn() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.outbound.nanoClock(h.clockNanos::get);
            h.connect(false);
            CompletableFuture<PublishResult> q1 = h.publish(expiring("exp/1", 1, 10));
            takePublish(h);
            CompletableFuture<PublishResult> q2 = h.publish(expiring("exp/2", 2, 10));
            int id2 = packetId(takePublish(h));
            h.dropConnection();
            CompletableFuture<PublishResult> queued = h.publish(expiring("exp/queued", 1, 5));
            CompletableFuture<PublishResult> queuedLonger = h.publish(expiring("exp/longer", 1, 30));
            h.clockNanos.addAndGet(java.util.concurrent.TimeUnit.SECONDS.toNanos(11));

            h.connect(true);
            List<MqttMessage> out = h.allOut();
            assertThat(failure(q1)).hasMessageContaining("expired");
            assertThat(failure(queued)).hasMessageContaining("expired before it could be sent");
            assertThat(out).extracting(m -> m.fixedHeader().messageType().toString()).containsExactly("PUBREL", "PUBLISH");
            assertThat(packetId(out.get(0))).isEqualTo(id2);
            MqttPublishMessage longer = (MqttPublishMessage) out.get(1);
            assertThat(longer.variableHeader().topicName()).isEqualTo("exp/longer");
            assertThat(longer.fixedHeader().isDup()).isFalse();
            assertThat(expiry(longer)).isEqualTo(19);
            out.forEach(ReferenceCountUtil::release);
            h.inbound(reply(MqttMessageType.PUBCOMP, id2, 0x92));
            assertThat(failure(q2)).hasMessageContaining("expired");
            h.inbound(reply(MqttMessageType.PUBACK, packetId(longer)));
            assertThat(queuedLonger).isCompleted();
        }
    }

    /** A memory store whose writes fail on demand. */
    private static final class FailingStore implements io.github.camelmqttbridge.mqtt.session.SessionStore {
        private final io.github.camelmqttbridge.mqtt.session.MemorySessionStore delegate =
                new io.github.camelmqttbridge.mqtt.session.MemorySessionStore();
        volatile boolean failMarkReleased;
        volatile boolean failSave;

        @Override
        public io.github.camelmqttbridge.mqtt.session.StoredSession open(String clientId) throws java.io.IOException {
            return delegate.open(clientId);
        }

        @Override
        public void saveOutbound(StoredPublish publish) throws java.io.IOException {
            if (failSave) {
                throw new java.io.IOException("disk full");
            }
            delegate.saveOutbound(publish);
        }

        @Override
        public void markReleased(int packetId) throws java.io.IOException {
            if (failMarkReleased) {
                throw new java.io.IOException("disk full");
            }
            delegate.markReleased(packetId);
        }

        @Override
        public void removeOutbound(int packetId) {
            delegate.removeOutbound(packetId);
        }

        @Override
        public void addInboundAwaitingRelease(int packetId) {
            delegate.addInboundAwaitingRelease(packetId);
        }

        @Override
        public void removeInboundAwaitingRelease(int packetId) {
            delegate.removeInboundAwaitingRelease(packetId);
        }

        @Override
        public void saveSubscription(io.github.camelmqttbridge.mqtt.session.StoredSubscription subscription) {
            delegate.saveSubscription(subscription);
        }

        @Override
        public void removeSubscription(String topicFilter) {
            delegate.removeSubscription(topicFilter);
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void aPubrecTheStoreCannotRecordClosesTheConnectionWithoutReleasing() throws Exception {
        // Before, the failure was only logged and PUBREL went out: after a crash the message would have been re-sent
        // as a PUBLISH the broker had already completed, i.e. delivered twice.
        FailingStore store = new FailingStore();
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).build(), store)) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("store/q2", 2);
            int id = packetId(takePublish(h));
            store.failMarkReleased = true;
            h.inbound(reply(MqttMessageType.PUBREC, id));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x80);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(h.connectionsClosed).singleElement().extracting(Throwable::getMessage).asString()
                    .contains("Session store failed to record PUBREC");
            assertThat(f).isNotDone();

            store.failMarkReleased = false;
            h.connect(true);
            MqttPublishMessage again = takePublish(h);
            assertThat(again.fixedHeader().isDup()).isTrue();
            h.inbound(reply(MqttMessageType.PUBREC, id));
            assertThat(h.<MqttMessage>out().fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            assertThat(h.store.open("test-client").outbound()).singleElement().satisfies(p -> assertThat(p.released()).isTrue());
            h.inbound(reply(MqttMessageType.PUBCOMP, id));
            assertThat(f.get().qos()).isEqualTo(2);
        }
    }

    @Test
    void aMessageTheStoreCannotRecordAgainAfterSessionLossFailsItsPublish() {
        FailingStore store = new FailingStore();
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).build(), store)) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("store/q1", 1);
            takePublish(h);
            h.dropConnection();
            store.failSave = true;
            h.connect(false);
            assertThat(h.allOut()).as("not sent without its record").isEmpty();
            assertThat(failure(f)).hasMessageContaining("session store failed to record the message again");
            assertThat(h.packetIds.inUseCount()).isZero();
        }
    }

    @Test
    void onASessionResumedWithoutOurStateEachPacketIdIsReleasedBeforeItsFirstUse() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.outbound.brokerMayHoldPacketIds();
            h.connect(true);
            CompletableFuture<PublishResult> f = h.publish("probe/q2", 2);
            MqttMessage probe = h.out();
            assertThat(probe.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            int id = packetId(probe);
            // the broker held that id from an earlier run: PUBCOMP frees it, then our message goes out
            h.inbound(reply(MqttMessageType.PUBCOMP, id));
            MqttPublishMessage publish = takePublish(h);
            assertThat(packetId(publish)).isEqualTo(id);
            assertThat(publish.fixedHeader().isDup()).isFalse();
            h.inbound(reply(MqttMessageType.PUBREC, id));
            h.allOut();
            h.inbound(reply(MqttMessageType.PUBCOMP, id));
            assertThat(f.get().qos()).isEqualTo(2);

            // a new id is released first too (PUBCOMP 0x92: the broker did not hold it)
            CompletableFuture<PublishResult> g = h.publish("probe/q1", 1);
            MqttMessage probe2 = h.out();
            assertThat(probe2.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            h.inbound(reply(MqttMessageType.PUBCOMP, packetId(probe2), 0x92));
            int id2 = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBACK, id2));
            assertThat(g).isCompleted();

            // wrap around to the first id: proven free already, no second probe
            for (int i = 1; i <= 65535; i++) {
                if (i != id) {
                    h.packetIds.claim(i);
                }
            }
            h.publish("probe/again", 1);
            assertThat(packetId(takePublish(h))).isEqualTo(id);
        }
    }

    @Test
    void reconnectWithSessionResendsPublishWithDupAndPubrel() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> q1 = h.publish("a/q1", 1);
            int id1 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2 = h.publish("a/q2", 2);
            int id2 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2b = h.publish("a/q2b", 2);
            int id3 = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBREC, id2));
            h.allOut();
            h.dropConnection();
            assertThat(h.connectionsClosed).hasSize(1);

            h.connect(true);
            List<MqttMessage> resent = h.allOut();
            assertThat(resent).hasSize(3);
            MqttPublishMessage r1 = (MqttPublishMessage) resent.get(0);
            assertThat(r1.variableHeader().topicName()).isEqualTo("a/q1");
            assertThat(r1.fixedHeader().isDup()).isTrue();
            assertThat(packetId(r1)).isEqualTo(id1);
            assertThat(resent.get(1).fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
            assertThat(packetId(resent.get(1))).isEqualTo(id2);
            MqttPublishMessage r3 = (MqttPublishMessage) resent.get(2);
            assertThat(r3.fixedHeader().isDup()).isTrue();
            assertThat(packetId(r3)).isEqualTo(id3);
            resent.forEach(ReferenceCountUtil::release);

            h.inbound(reply(MqttMessageType.PUBACK, id1));
            h.inbound(reply(MqttMessageType.PUBCOMP, id2));
            assertThat(q1.get().qos()).isEqualTo(1);
            assertThat(q2.get().qos()).isEqualTo(2);
            assertThat(q2b).isNotDone();
        }
    }

    @Test
    void reconnectWithoutSessionResendsAsNewAndKeepsThemInTheStore() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.publish("a/q1", 1);
            int id1 = packetId(takePublish(h));
            CompletableFuture<PublishResult> q2 = h.publish("a/q2", 2);
            int id2 = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBREC, id2));
            h.allOut();
            h.dropConnection();

            h.connect(false);
            List<MqttMessage> resent = h.allOut();
            assertThat(resent).hasSize(1);
            MqttPublishMessage r1 = (MqttPublishMessage) resent.get(0);
            assertThat(r1.fixedHeader().isDup()).isFalse();
            assertThat(packetId(r1)).isEqualTo(id1);
            ReferenceCountUtil.release(r1);
            assertThat(q2.get().reason()).contains("PUBREC");
            // the message is still unconfirmed: it must survive a crash now, like any other in flight
            assertThat(h.store.open("test-client").outbound()).extracting(StoredPublish::packetId).containsExactly(id1);
        }
    }

    @Test
    void outboundTopicAliasesAreAssignedPerConnection() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).outboundTopicAliases(true).build())) {
            h.connect(false, props(MqttPropertyType.TOPIC_ALIAS_MAXIMUM, 1));
            h.publish("a/long/topic", 0);
            h.publish("a/long/topic", 0);
            h.publish("other", 0);
            MqttPublishMessage p1 = takePublish(h);
            MqttPublishMessage p2 = takePublish(h);
            MqttPublishMessage p3 = takePublish(h);
            assertThat(p1.variableHeader().topicName()).isEqualTo("a/long/topic");
            assertThat(p1.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value()).value()).isEqualTo(1);
            assertThat(p2.variableHeader().topicName()).isEmpty();
            assertThat(p3.variableHeader().topicName()).isEqualTo("other");
            assertThat(p3.variableHeader().properties().getProperty(MqttPropertyType.TOPIC_ALIAS.value())).isNull();
        }
    }

}
