package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.props;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.MessageProperties;
import io.github.camelmqttbridge.mqtt.client.MqttClientException;
import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.client.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.client.MqttVersion;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import io.github.camelmqttbridge.mqtt.client.PublishResult;
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
    void pubackForAQos2MessageIsAProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<PublishResult> f = h.publish("a", 2);
            int id = packetId(takePublish(h));
            h.inbound(reply(MqttMessageType.PUBACK, id));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(f).as("still in flight for the next connection").isNotDone();
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
