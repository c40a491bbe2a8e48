package io.github.camelmqttbridge.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.component.MqttBridgeComponent;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Credentials given as Spring properties reach the component: a Mosquitto of its own that accepts only user bob with
 * the password (test-support MosquittoBroker on a free port) lets the route subscribe and bridge a message, which it
 * refuses without them. The password appears in no output of the run (context start included).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest
class PasswordFromPropertiesTest {

    private static final String PASSWORD = "Sb-4f0c2e9a-secret";
    private static final String RUN = UUID.randomUUID().toString();
    private static final Path OUTPUT = Path.of("target", "test-messages", RUN);
    private static final MosquittoBroker BROKER = start();

    private static MosquittoBroker start() {
        try {
            return MosquittoBroker.builder().passwordFile(Map.of("bob", PASSWORD)).start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Mosquitto", e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("camel.component.mqtt-bridge.broker-url", BROKER::tcpUrl);
        // as the environment variables CAMEL_COMPONENT_MQTTBRIDGE_USERNAME / _PASSWORD would
        registry.add("camel.component.mqtt-bridge.user-name", () -> "bob");
        registry.add("camel.component.mqtt-bridge.password", () -> PASSWORD);
        registry.add("bridge.topic", () -> "secured/" + RUN + "/#");
        registry.add("bridge.output-directory", OUTPUT::toString);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        BROKER.close();
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void theRouteConnectsWithThePasswordFromThePropertiesAndNeverPrintsIt(CapturedOutput output) throws Exception {
        assertThat(camelContext.getComponent("mqtt-bridge", MqttBridgeComponent.class).getConfiguration().getPassword())
                .isEqualTo(PASSWORD);
        String payload = "secured-" + UUID.randomUUID();
        try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(BROKER.tcpUrl())
                .clientId("spring-boot-test-pub-" + RUN).userName("bob")
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8)).build())) {
            publisher.connect().get(10, TimeUnit.SECONDS);
            publisher.publish(OutboundMessage.of("secured/" + RUN + "/door", payload.getBytes(StandardCharsets.UTF_8), 1))
                    .get(10, TimeUnit.SECONDS);
            publisher.disconnect().get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> filesContain(payload));
        assertThat(output.getAll()).contains("mqtt-to-file").doesNotContain(PASSWORD);
    }

    private static boolean filesContain(String payload) throws Exception {
        if (!Files.isDirectory(OUTPUT)) {
            return false;
        }
        try (Stream<Path> files = Files.list(OUTPUT)) {
            return files.anyMatch(f -> {
                try {
                    return Files.readString(f).equals(payload);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
