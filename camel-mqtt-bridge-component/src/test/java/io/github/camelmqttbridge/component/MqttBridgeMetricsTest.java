package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.component.metrics.MqttBridgeMetrics;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

/**
 * The consumer's and producer's Micrometer meters in Camel's meter registry (bound as camel-micrometer binds it),
 * read after real traffic through a Mosquitto of the test's own.
 */
class MqttBridgeMetricsTest extends MqttBridgeTestSupport {

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void countsWhatWasSentAcknowledgedAndDeadLetteredWithLatencyHistograms() throws Exception {
        context.getRegistry().bind(MqttBridgeMetrics.METRICS_REGISTRY_NAME, registry);
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + topic("m/#") + "?brokerUrl=" + broker.tcpUrl() + "&qos=1&clientId=metrics-in")
                            .routeId("metrics-in")
                            .errorHandler(deadLetterChannel("mock:dead"))
                            .filter(simple("${bodyAs(String)} == 'bad'")).throwException(new IllegalStateException("bad"))
                            .end()
                            .to("mock:out");
                    from("direct:pub").routeId("metrics-out")
                            .to("mqtt-bridge:" + topic("m/x") + "?brokerUrl=" + broker.tcpUrl() + "&qos=1&clientId=metrics-out");
                }
            });
            for (int i = 0; i < 5; i++) {
                template.sendBody("direct:pub", "good " + i);
            }
            template.sendBody("direct:pub", "bad");

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(count("mqtt.bridge.consumer.received")).isEqualTo(6);
                assertThat(count("mqtt.bridge.consumer.acknowledged")).isEqualTo(6);
                assertThat(timerCount("mqtt.bridge.consumer.ack.latency")).isEqualTo(6);
            });
            assertThat(count("mqtt.bridge.consumer.dead.lettered")).isEqualTo(1);
            assertThat(count("mqtt.bridge.consumer.redelivered")).isZero();
            assertThat(gauge("mqtt.bridge.consumer.inflight")).isZero();
            assertThat(gauge("mqtt.bridge.consumer.connected")).isEqualTo(1);
            assertThat(count("mqtt.bridge.producer.published")).isEqualTo(6);
            assertThat(count("mqtt.bridge.producer.confirmed")).isEqualTo(6);
            assertThat(timerCount("mqtt.bridge.producer.publish.latency")).isEqualTo(6);
            assertThat(gauge("mqtt.bridge.producer.connected")).isEqualTo(1);
            assertThat(registry.find("mqtt.bridge.consumer.ack.latency").tag("qos", "1").timer().totalTime(
                    java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();

            // tags: route, configured topics, client id (and qos / reason); never the topic a message arrived on
            Meter received = registry.find("mqtt.bridge.consumer.received").meter();
            assertThat(received.getId().getTag("route")).isEqualTo("metrics-in");
            assertThat(received.getId().getTag("topics")).isEqualTo(topic("m/#"));
            assertThat(received.getId().getTag("client.id")).isEqualTo("metrics-in");
            Set<String> consumerTagValues = registry.getMeters().stream()
                    .filter(m -> m.getId().getName().startsWith("mqtt.bridge.consumer."))
                    .flatMap(m -> m.getId().getTags().stream()).map(t -> t.getValue()).collect(Collectors.toSet());
            assertThat(consumerTagValues).doesNotContain(topic("m/x"));
            assertThat(registry.find("mqtt.bridge.consumer.received").meters()).hasSize(1);

            // a stopped consumer or producer leaves nothing behind
            context.getRouteController().stopRoute("metrics-in");
            context.getRouteController().stopRoute("metrics-out");
            assertThat(registry.find("mqtt.bridge.consumer.received").meters()).isEmpty();
            assertThat(registry.find("mqtt.bridge.consumer.ack.latency").meters()).isEmpty();
        }
    }

    @Test
    void readinessWaitsForTheConnectionAndReconnectsAreCountedByReason() throws Exception {
        context.getRegistry().bind(MqttBridgeMetrics.METRICS_REGISTRY_NAME, registry);
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + topic("r/#") + "?brokerUrl=" + broker.tcpUrl()
                            + "&qos=1&clientId=metrics-ready&maxReconnectDelay=500").routeId("ready").to("mock:r");
                }
            });
            HealthCheck check = consumer("ready").getHealthCheck();
            assertThat(check.isReadiness()).isTrue();
            assertThat(check.isLiveness()).as("a broker outage is not a reason to restart the JVM").isFalse();
            assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(consumer("ready").isSubscribed()).isTrue();
            assertThat(reconnects("transient")).isZero();

            broker.stop();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(check.call().getState()).isEqualTo(HealthCheck.State.DOWN);
                assertThat(gauge("mqtt.bridge.consumer.connected")).isZero();
            });
            assertThat(consumer("ready").isSubscribed()).isFalse();

            broker.restart(); // no persistence: the broker lost the session, so the consumer subscribes again
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
                assertThat(consumer("ready").isSubscribed()).isTrue();
            });
            assertThat((long) reconnects("transient")).isEqualTo(consumer("ready").getReconnects()).isGreaterThanOrEqualTo(1);
            assertThat(reconnects("not_authorized")).isZero();
            assertThat(gauge("mqtt.bridge.consumer.connected")).isEqualTo(1);
        }
    }

    private double count(String name) {
        return registry.find(name).functionCounter().count();
    }

    private double gauge(String name) {
        return registry.find(name).gauge().value();
    }

    private long timerCount(String name) {
        return registry.find(name).timers().stream().mapToLong(t -> t.count()).sum();
    }

    private double reconnects(String reason) {
        return registry.find("mqtt.bridge.consumer.reconnects").tag("reason", reason).counter().count();
    }
}
