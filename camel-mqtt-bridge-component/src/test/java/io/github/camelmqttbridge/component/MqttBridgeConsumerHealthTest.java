package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

class MqttBridgeConsumerHealthTest extends MqttBridgeTestSupport {

    /**
     * Mosquitto 2.0.11 grants a SUBSCRIBE its ACL denies (it filters at delivery instead), so a broker-side 0x87
     * cannot be provoked here; an invalid filter goes through the same start-failure path.
     */
    @Test
    void aSubscriptionThatCannotBeMadeFailsTheRouteStartWithTheFilter() {
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic("bad/#/filter") + "?brokerUrl=" + BROKER + "&qos=1")
                        .routeId("bad").to("mock:never");
            }
        })).rootCause().hasMessageContaining("bad/#/filter");
        assertThat(context.getRoute("bad") == null
                || !context.getRouteController().getRouteStatus("bad").isStarted()).isTrue();
    }

    @Test
    void healthIsDownWithTheLastErrorWhileReconnectingAndUpAgainAfterwards() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + topic("health") + "?brokerUrl=" + broker.tcpUrl()
                            + "&qos=1&maxReconnectDelay=500").routeId("health").to("mock:h");
                }
            });
            HealthCheck check = consumer("health").getHealthCheck();
            assertThat(check).isNotNull();
            assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
            broker.stop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HealthCheck.Result r = check.call();
                assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("RECONNECTING"));
            });
            broker.restart();
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP));
            assertThat(consumer("health").getReconnects()).isGreaterThanOrEqualTo(1);
        }
    }
}
