package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.packetId;
import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.publishPacket;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Messages the application still processes when the broker reconnects us without our session ("orphans") keep
 * their place in {@code held} until acknowledged: the read pause stays on while they fill the window, and their
 * late acknowledgements free it without writing acks the new session never asked for.
 */
class InboundHeldAfterSessionLossTest {

    private static String types(List<MqttMessage> messages) {
        return messages.stream().map(m -> m.fixedHeader().messageType() + ":" + packetId(m))
                .collect(Collectors.joining(" "));
    }

    /** Answers the (re-)SUBSCRIBE the client wrote, and returns what else it wrote. */
    private static List<MqttMessage> answerSubscribe(EngineHarness h) {
        List<MqttMessage> out = h.allOut();
        MqttMessage subscribe = out.stream().filter(m -> m.fixedHeader().messageType() == MqttMessageType.SUBSCRIBE)
                .findFirst().orElseThrow(() -> new AssertionError("no SUBSCRIBE in " + out));
        h.inbound(SubscriptionFlowTest.suback(packetId(subscribe), 2));
        return out.stream().filter(m -> m != subscribe).toList();
    }

    @Test
    void orphansCountUntilAcknowledgedAndTheReadPauseFollowsThem() {
        try (EngineHarness h = new EngineHarness(options(MqttVersion.V5).receiveMaximum(2).build())) {
            h.connect(false);
            h.subscribe(Subscription.of("#", 2));
            answerSubscribe(h);
            h.inbound(publishPacket("a", 1, 1));
            h.inbound(publishPacket("a", 2, 2));
            assertThat(h.inbound.heldCount()).isEqualTo(2);
            assertThat(h.readsPublishes()).isFalse();

            h.dropConnection();
            h.connect(false); // the broker lost our session
            assertThat(answerSubscribe(h)).as("nothing but the re-subscription").isEmpty();
            assertThat(h.inbound.heldCount()).as("the app still has both").isEqualTo(2);
            assertThat(h.readsPublishes()).as("still full: the new connection is not read").isFalse();
            assertThat(h.metrics.inboundInflight()).isEqualTo(2);

            h.received.get(0).acknowledge(); // old QoS 1, id 1
            assertThat(h.inbound.heldCount()).isEqualTo(1);
            assertThat(h.readsPublishes()).as("room again").isTrue();
            assertThat(h.allOut()).as("no PUBACK for a packet id of the lost session").isEmpty();

            h.inbound(publishPacket("a", 1, 1)); // new session reuses id 1
            assertThat(h.received).hasSize(3);
            assertThat(h.inbound.heldCount()).isEqualTo(2);
            assertThat(h.readsPublishes()).isFalse();

            h.received.get(1).acknowledge(); // old QoS 2, id 2
            assertThat(h.allOut()).as("no PUBREC for a packet id of the lost session").isEmpty();
            assertThat(h.inbound.heldCount()).isEqualTo(1);
            assertThat(h.readsPublishes()).isTrue();
            h.inbound(publishPacket("a", 2, 2, false, io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES));
            assertThat(h.received).as("id 2 of the new session is a new message, not a duplicate").hasSize(4);

            h.received.get(2).acknowledge();
            h.received.get(3).acknowledge();
            assertThat(types(h.allOut())).isEqualTo("PUBACK:1 PUBREC:2");
            assertThat(h.inbound.heldCount()).isZero();
            assertThat(h.metrics.inboundInflight()).isZero();
            assertThat(h.readsPublishes()).isTrue();
        }
    }
}
