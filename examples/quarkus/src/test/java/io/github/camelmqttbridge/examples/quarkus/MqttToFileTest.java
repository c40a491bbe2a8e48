package io.github.camelmqttbridge.examples.quarkus;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** JVM mode: the YAML route bridges one message from Mosquitto (127.0.0.1:1883) to a file. */
@QuarkusTest
class MqttToFileTest {

    @Inject
    CamelContext camelContext;

    @ConfigProperty(name = "bridge.brokerUrl")
    String broker;

    @ConfigProperty(name = "bridge.outputDirectory")
    String outputDirectory;

    @Test
    void bridgesOneMessageFromMosquittoToAFile() throws Exception {
        String payload = "quarkus-" + UUID.randomUUID();
        try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(broker)
                .clientId("quarkus-test-pub-" + UUID.randomUUID()).build())) {
            publisher.connect().get(10, TimeUnit.SECONDS);
            publisher.publish(OutboundMessage.of("camel-mqtt-bridge/examples/quarkus/sensor",
                    payload.getBytes(StandardCharsets.UTF_8), 1)).get(10, TimeUnit.SECONDS);
            publisher.disconnect().get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> contents().contains(payload));
        assertThat(contents()).contains(payload);
    }

    @Test
    void healthShowsTheMqttBridgeConsumerCheck() {
        // Camel's per-consumer checks (camel.health.consumers-enabled) reach /q/health through
        // camel-quarkus-microprofile-health as the aggregated "camel-consumers" check; Camel Quarkus lists a single
        // consumer's details there only while it is DOWN
        JsonPath health = given().when().get("/q/health").then().statusCode(200).extract().jsonPath();
        System.out.println("/q/health: " + health.prettify());
        assertThat(health.getString("status")).isEqualTo("UP");
        List<Map<String, Object>> checks = health.getList("checks");
        assertThat(checks).anySatisfy(check -> assertThat(check)
                .containsEntry("name", "camel-consumers").containsEntry("status", "UP"));
        // behind it: the route's consumer check, which calls the mqtt-bridge consumer's own check
        // (MqttBridgeClientHealthCheck, registered through HealthCheckComponent) and carries its details
        HealthCheckRepository consumers = HealthCheckRegistry.get(camelContext).getRepository("consumers")
                .orElseThrow();
        List<HealthCheck.Result> results = consumers.stream().map(HealthCheck::call).toList();
        results.forEach(r -> System.out.println("health check " + r.getCheck().getId() + " " + r.getState() + " "
                + r.getDetails()));
        HealthCheck.Result consumer = results.stream().filter(r -> r.getDetails().containsKey("mqtt.state"))
                .findFirst().orElseThrow();
        System.out.println("mqtt-bridge consumer check: " + consumer.getCheck().getId());
        assertThat(consumer.getCheck().getId()).contains("mqtt-to-file");
        assertThat(consumer.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(consumer.getDetails()).containsEntry("mqtt.state", "CONNECTED").containsKey("mqtt.client.id");
    }

    private List<String> contents() throws Exception {
        Path dir = Paths.get(outputDirectory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.readString(f);
                } catch (Exception e) {
                    return "";
                }
            }).toList();
        }
    }
}
