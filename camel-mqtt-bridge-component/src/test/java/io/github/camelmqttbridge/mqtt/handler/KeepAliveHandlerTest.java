package io.github.camelmqttbridge.mqtt.handler;

import static io.github.camelmqttbridge.mqtt.handler.EngineHarness.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.client.MqttVersion;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
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
            h.advance(2900);
            assertThat(h.allOut()).isEmpty();
            h.advance(200);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
            h.inbound(PINGRESP);
            // idle for 12 more seconds, answering every ping: one PINGREQ per 3/4 keep-alive, not one per tick
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
            assertThat(pings).isEqualTo(4);
        }
    }

    @Test
    void trafficPostponesThePing() {
        try (EngineHarness h = harness(4)) {
            h.connect(false);
            h.advance(2000);
            h.publish("t", 0);
            h.inbound(EngineHarness.publishPacket("t", 0, 0));
            h.allOut();
            h.advance(2500);
            assertThat(h.allOut()).isEmpty();
            h.advance(600);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
        }
    }

    @Test
    void noPingrespClosesTheConnectionAsDead() {
        try (EngineHarness h = harness(4)) {
            h.connect(false);
            h.advance(3100);
            assertThat(h.allOut()).singleElement().matches(KeepAliveHandlerTest::isPing);
            h.advance(3800);
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
}
