package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another client connected with our client id (two replicas, a rolling update) and the broker said so with DISCONNECT
 * 0x8E: the consumer's health check is DOWN and says why until it has the session back, and it waits the longest delay
 * before taking it back.
 */
class MqttBridgeSessionTakeOverTest {

    private ScriptedBroker broker;
    private final CamelContext context = new DefaultCamelContext();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new ScriptedBroker();
    }

    @AfterEach
    void stopAll() {
        context.stop();
        broker.close();
    }

    @Test
    void healthIsDownWithTheReasonWhileTheSessionIsTakenOverAndUpWhenItIsBack() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:replicated/t?brokerUrl=" + broker.url() + "&clientId=replica&qos=1"
                        + "&minReconnectDelay=50&maxReconnectDelay=2000").routeId("replica").to("mock:r");
            }
        });
        context.start();
        HealthCheck check = ((MqttBridgeConsumer) context.getRoute("replica").getConsumer()).getHealthCheck();
        ScriptedBroker.Connection first = broker.nextConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> check.call().getState() == HealthCheck.State.UP);

        long takenOver = System.nanoTime();
        first.send(MqttMessageBuilders.disconnect().reasonCode((byte) 0x8E).build());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HealthCheck.Result r = check.call();
            assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("session taken over (0x8E)")
                    .contains("another client connected with the same client id"));
        });

        broker.nextConnection();
        long waitedMillis = (System.nanoTime() - takenOver) / 1_000_000;
        assertThat(waitedMillis).as("waited half to all of maxReconnectDelay, not the minimum").isGreaterThanOrEqualTo(1_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> check.call().getState() == HealthCheck.State.UP);
    }
}
