package io.github.camelmqttbridge.examples.quarkus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** JVM mode: the YAML route bridges one message from Mosquitto (127.0.0.1:1883) to a file. */
@QuarkusTest
class MqttToFileTest {

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
    void healthIsUp() {
        // Camel's checks (context, routes, consumers) are exposed through camel-quarkus-microprofile-health;
        // the mqtt-bridge consumer's own check shows up here once the component registers one
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
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
