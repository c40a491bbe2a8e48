package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.session.StoredSubscription;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class SubscriptionFlowTest {

    static MqttSubAckMessage suback(int packetId, int... codes) {
        return new MqttSubAckMessage(new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES), new MqttSubAckPayload(codes));
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError();
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void subscribeCarriesMqtt5OptionsAndSubscriptionIdentifier() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<SubscribeResult> f = h.subscribe(new Subscription("a/+", 1, true, true, 2, 42),
                    Subscription.of("$share/g/b/#", 2));
            MqttSubscribeMessage sub = h.out();
            List<MqttTopicSubscription> topics = sub.payload().topicSubscriptions();
            assertThat(topics).extracting(MqttTopicSubscription::topicName).containsExactly("a/+", "$share/g/b/#");
            MqttSubscriptionOption o = topics.get(0).option();
            assertThat(o.qos()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
            assertThat(o.isNoLocal()).isTrue();
            assertThat(o.isRetainAsPublished()).isTrue();
            assertThat(o.retainHandling()).isEqualTo(MqttSubscriptionOption.RetainedHandlingPolicy.DONT_SEND_AT_SUBSCRIBE);
            assertThat(topics.get(1).option().qos()).isEqualTo(MqttQoS.EXACTLY_ONCE);
            assertThat(sub.idAndPropertiesVariableHeader().properties()
                    .getProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()).value()).isEqualTo(42);
            assertThat(f).isNotDone();
            h.inbound(suback(packetId(sub), 1, 2));
            assertThat(f.get().allGranted()).isTrue();
            assertThat(h.packetIds.inUseCount()).isZero();
        }
    }

    @Test
    void refusedFilterFailsWithItsNameAndReason() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("ok/#", 1), Subscription.of("secret/#", 1));
            h.inbound(suback(packetId(h.out()), 1, 0x87));
            Throwable e = failure(f);
            assertThat(e).isInstanceOf(MqttSubscribeRefusedException.class)
                    .hasMessageContaining("'secret/#'").hasMessageContaining("not authorized (0x87)")
                    .hasMessageNotContaining("ok/#");
            assertThat(h.subscriptions.activeFilters()).containsExactly("ok/#");
            assertThat(h.store.open("test-client").subscriptions()).extracting(StoredSubscription::topicFilter)
                    .containsExactly("ok/#");
        }
    }

    @Test
    void subackCountMismatchIsAProtocolErrorAndFailsTheCaller() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("a", 1), Subscription.of("b", 1));
            h.inbound(suback(packetId(h.out()), 1));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
            assertThat(h.channel.isOpen()).isFalse();
            assertThat(failure(f)).isInstanceOf(MqttProtocolException.class).hasMessageContaining("SUBACK codes");
        }
    }

    @Test
    void subackForUnknownIdIsAProtocolError() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.inbound(suback(321, 0));
            assertThat(EngineHarness.disconnectReason(h.out())).isEqualTo(0x82);
        }
    }

    @Test
    void subscribeBeforeConnectIsSentAfterConnack() throws Exception {
        try (EngineHarness h = EngineHarness.v311()) {
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("early/#", 1));
            h.connect(false);
            List<MqttMessage> out = h.allOut();
            assertThat(out).as("one SUBSCRIBE, not a second one from the re-subscribe").hasSize(1);
            MqttSubscribeMessage sub = (MqttSubscribeMessage) out.get(0);
            assertThat(sub.payload().topicSubscriptions()).extracting(MqttTopicSubscription::topicName)
                    .containsExactly("early/#");
            h.inbound(suback(packetId(sub), 1));
            assertThat(f.get().filters()).singleElement().matches(r -> r.grantedQos() == 1);
        }
    }

    @Test
    void afterReconnectWithoutSessionSubscriptionsAreMadeAgainAndKeptInTheStore() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.subscribe(new Subscription("a/#", 1, false, false, 0, 1));
            h.inbound(suback(packetId(h.out()), 1));
            h.subscribe(new Subscription("b/#", 2, false, false, 0, 2));
            h.inbound(suback(packetId(h.out()), 2));
            h.dropConnection();

            h.connect(false);
            List<MqttMessage> out = h.allOut();
            assertThat(out).allMatch(m -> m.fixedHeader().messageType() == MqttMessageType.SUBSCRIBE);
            // each filter keeps its own subscription identifier, so one SUBSCRIBE per identifier
            assertThat(out).hasSize(2);
            for (MqttMessage m : out) {
                MqttSubscribeMessage sub = (MqttSubscribeMessage) m;
                String filter = sub.payload().topicSubscriptions().get(0).topicName();
                int id = (Integer) sub.idAndPropertiesVariableHeader().properties()
                        .getProperty(MqttPropertyType.SUBSCRIPTION_IDENTIFIER.value()).value();
                assertThat(id).isEqualTo(filter.equals("a/#") ? 1 : 2);
                h.inbound(suback(packetId(sub), sub.payload().topicSubscriptions().get(0).qualityOfService().value()));
            }
            assertThat(h.channel.isOpen()).isTrue();
            assertThat(h.store.open("test-client").subscriptions()).extracting(StoredSubscription::topicFilter)
                    .containsExactlyInAnyOrder("a/#", "b/#");
        }
    }

    @Test
    void afterReconnectWithSessionNothingIsResubscribed() {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            h.subscribe(Subscription.of("a/#", 1));
            h.inbound(suback(packetId(h.out()), 1));
            h.dropConnection();
            h.connect(true);
            assertThat(h.allOut()).isEmpty();
        }
    }

    @Test
    void subscribeInFlightWhenTheConnectionDiedIsAskedAgain() throws Exception {
        try (EngineHarness h = EngineHarness.v5()) {
            h.connect(false);
            CompletableFuture<SubscribeResult> f = h.subscribe(Subscription.of("a/#", 1));
            h.allOut();
            h.dropConnection();
            h.connect(true);
            List<MqttMessage> out = h.allOut();
            assertThat(out).hasSize(1);
            h.inbound(suback(packetId(out.get(0)), 1));
            assertThat(f.get().allGranted()).isTrue();
        }
    }
}
