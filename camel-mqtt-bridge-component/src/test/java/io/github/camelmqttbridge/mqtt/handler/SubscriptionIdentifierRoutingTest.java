package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.publishPacket;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.reply;
import static io.github.camelmqttbridge.mqtt.handler.SubscriptionFlowTest.suback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Overlapping subscriptions: each subscribe() call gets one delivery per message, whatever the overlap, where the
 * broker supports subscription identifiers; every copy the broker sent is acknowledged.
 */
class SubscriptionIdentifierRoutingTest {

    /** A copy of a message as a broker sends it for the subscription(s) with these identifiers. */
    private static MqttPublishMessage copy(String topic, int qos, int packetId, int... identifiers) {
        MqttProperties props = new MqttProperties();
        for (int id : identifiers) {
            props.add(new MqttProperties.IntegerProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value(), id));
        }
        return publishPacket(topic, qos, packetId, false, props);
    }

    private static String types(List<MqttMessage> messages) {
        return messages.stream().map(m -> m.fixedHeader().messageType() + ":" + packetId(m))
                .collect(Collectors.joining(" "));
    }

    private static Integer identifier(MqttSubscribeMessage sub) {
        var p = sub.idAndPropertiesVariableHeader().properties().getProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value());
        return p == null ? null : (Integer) p.value();
    }

    private static List<String> filters(MqttSubscribeMessage sub) {
        return sub.payload().topicSubscriptions().stream().map(MqttTopicSubscription::topicName).toList();
    }

    /** Answers every SUBSCRIBE the client wrote with the QoS it asked for; returns them. */
    private static List<MqttSubscribeMessage> grantAll(EngineHarness h) {
        List<MqttSubscribeMessage> subs = new ArrayList<>();
        for (MqttMessage m : h.allOut()) {
            MqttSubscribeMessage sub = (MqttSubscribeMessage) m;
            subs.add(sub);
            int[] codes = sub.payload().topicSubscriptions().stream().mapToInt(t -> t.qualityOfService().value()).toArray();
            h.inbound(suback(packetId(sub), codes));
        }
        return subs;
    }

    @Test
    void overlappingFiltersOfOneCallGetAnIdentifierAndASubscribeEach() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("ov/#", 1), Subscription.of("ov/a", 1),
                    Subscription.of("other/x", 2));
            List<MqttSubscribeMessage> subs = grantAll(h);

            assertThat(subs).hasSize(2);
            assertThat(filters(subs.get(0))).containsExactly("ov/#", "other/x");
            assertThat(identifier(subs.get(0))).isEqualTo(1);
            assertThat(filters(subs.get(1))).containsExactly("ov/a");
            assertThat(identifier(subs.get(1))).isEqualTo(2);
            assertThat(f.get().filters()).extracting(SubscribeResult.FilterResult::topicFilter)
                    .as("one result per filter, in the call's order").containsExactly("ov/#", "ov/a", "other/x");
            assertThat(h.packetIds.inUseCount()).isZero();
            assertThat(h.store.open("test-client").subscriptions()).extracting(StoredSubscription::subscriptionIdentifier)
                    .containsExactly(1, 2, 1);
        }
    }

    @Test
    void oneDeliveryPerMessageWhenTheBrokerSendsOneCopyPerMatchingSubscription() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.subscribe(Subscription.of("ov/#", 1), Subscription.of("ov/a", 1));
            grantAll(h);

            h.inbound(copy("ov/a", 1, 10, 1));
            h.inbound(copy("ov/a", 1, 11, 2));
            assertThat(h.received).as("one delivery").hasSize(1);
            assertThat(h.received.get(0).packetId()).isEqualTo(10);
            assertThat(h.allOut()).as("the suppressed copy's ack waits behind the delivered copy").isEmpty();
            assertThat(h.inbound.heldCount()).isEqualTo(1);

            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).as("every copy acknowledged once the delivery is done")
                    .isEqualTo("PUBACK:10 PUBACK:11");
            assertThat(h.metrics.overlapCopiesSuppressed()).isEqualTo(1);

            h.inbound(copy("ov/b", 1, 12, 1));
            assertThat(h.received).as("a topic only ov/# matches").hasSize(2);
        }
    }

    @Test
    void whenTheSuppressedCopyArrivesFirstItIsAnsweredAndTheDeliveredCopyKeepsItsAckUntilDone() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.subscribe(Subscription.of("ov/#", 2), Subscription.of("ov/a", 2));
            grantAll(h);

            h.inbound(copy("ov/a", 2, 20, 2));
            assertThat(h.received).isEmpty();
            assertThat(types(h.allOut())).isEqualTo("PUBREC:20");
            h.inbound(reply(MqttMessageType.PUBREL, 20));
            assertThat(types(h.allOut())).isEqualTo("PUBCOMP:20");

            h.inbound(copy("ov/a", 2, 21, 1));
            assertThat(h.received).hasSize(1);
            assertThat(h.allOut()).as("the delivered copy is acknowledged only after the application").isEmpty();
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBREC:21");
        }
    }

    @Test
    void aSingleCopyCarryingEveryIdentifierIsDeliveredOnce() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.subscribe(Subscription.of("ov/#", 1), Subscription.of("ov/a", 1));
            grantAll(h);

            h.inbound(copy("ov/a", 1, 30, 1, 2));
            assertThat(h.received).hasSize(1);
            h.received.get(0).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:30");
        }
    }

    @Test
    void separateSubscribeCallsEachGetOnlyTheCopySentForThem() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            List<InboundMessage> wide = new ArrayList<>();
            List<InboundMessage> narrow = new ArrayList<>();
            h.subscriptions.subscribe(List.of(Subscription.of("ov/#", 1)), wide::add, new CompletableFuture<>());
            h.subscriptions.subscribe(List.of(Subscription.of("ov/a", 1)), narrow::add, new CompletableFuture<>());
            List<MqttSubscribeMessage> subs = grantAll(h);
            assertThat(subs).extracting(SubscriptionIdentifierRoutingTest::identifier).containsExactly(1, 2);

            h.inbound(copy("ov/a", 1, 40, 1));
            h.inbound(copy("ov/a", 1, 41, 2));

            assertThat(wide).extracting(InboundMessage::packetId).containsExactly(40);
            assertThat(narrow).extracting(InboundMessage::packetId).containsExactly(41);
        }
    }

    @Test
    void withoutIdentifiersOnMqtt311OneSubscribeCarriesEveryFilterAndEachCopyIsDelivered() {
        try (EngineHarness h = EngineHarness.v311()) {
            h.connect(false);
            h.subscribe(Subscription.of("ov/#", 1), Subscription.of("ov/a", 1));
            List<MqttSubscribeMessage> subs = grantAll(h);
            assertThat(subs).singleElement().satisfies(s -> assertThat(filters(s)).containsExactly("ov/#", "ov/a"));

            // Mosquitto 2.0 sends one copy to a 3.1.1 client; a broker that sent two would get two deliveries
            h.inbound(publishPacket("ov/a", 1, 50));
            assertThat(h.received).hasSize(1);
        }
    }

    @Test
    void aBrokerWithoutSubscriptionIdentifiersGetsNoneAndMessagesAreRoutedByFilter() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false, EngineHarness.props(MqttPropertyType.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0));
            assertThat(h.result.subscriptionIdentifiersAvailable()).isFalse();
            h.subscribe(Subscription.of("ov/#", 1), Subscription.of("ov/a", 1));
            List<MqttSubscribeMessage> subs = grantAll(h);
            assertThat(subs).singleElement().satisfies(s -> assertThat(identifier(s)).isNull());

            h.inbound(publishPacket("ov/a", 1, 60));
            h.inbound(publishPacket("ov/a", 1, 61));
            assertThat(h.received).as("each copy, as the broker sends it").hasSize(2);
        }
    }

    @Test
    void anIdentifierTheStoreRememberedForAFilterIsUsedAgain() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.subscriptions.recover(new StoredSubscription("ov/a", 1, false, false, 0, 7));
            h.subscriptions.recover(new StoredSubscription("elsewhere/#", 1, false, false, 0, 1));
            h.connect(true);
            h.subscribe(Subscription.of("ov/a", 1));
            h.subscribe(Subscription.of("more/#", 1));
            List<MqttSubscribeMessage> subs = grantAll(h);

            assertThat(subs).extracting(SubscriptionIdentifierRoutingTest::identifier)
                    .as("ov/a keeps 7; the next free one skips 1, which the recovered elsewhere/# still holds")
                    .containsExactly(7, 2);
        }
    }

    @Test
    void whenEveryPacketIdIsInUseTheSubscribeWaitsWithoutSpinningAndGoesOutWhenOneIsFree() {
        try (EngineHarness h = EngineHarness.v5()) {
            for (int i = 0; i < PacketIdAllocator.MAX_ID; i++) {
                h.packetIds.allocate();
            }
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("late/#", 1));
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> h.connect(false),
                    "connecting with a queued SUBSCRIBE and no free packet id must not spin on the event loop");
            assertThat(h.allOut()).isEmpty();

            h.packetIds.release(12345);
            MqttSubscribeMessage sub = (MqttSubscribeMessage) h.allOut().get(0);
            assertThat(packetId(sub)).isEqualTo(12345);
            h.inbound(suback(12345, 1));
            assertThat(f).isCompleted();
        }
    }
}
