package io.github.camelmqttbridge.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.component.MqttBridgeComponent;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.util.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application as shipped (application.properties) against the shared Mosquitto on 127.0.0.1:1883
 * ({@code -Dmqtt.broker=tcp://host:port} to change), on a topic and folder of its own: one message published to
 * the broker ends up in a file through the route, and the component was configured from the properties.
 */
@SpringBootTest
class MqttToFileTest {

    private static final String RUN = UUID.randomUUID().toString();
    private static final String BROKER = System.getProperty("mqtt.broker", "tcp://127.0.0.1:1883");
    private static final Path OUTPUT = Path.of("target", "test-messages", RUN);

    /** The Netty the component is built and tested with (the root POM's netty.version). */
    private static final String COMPONENT_NETTY = "4.1.130.Final";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("camel.component.mqtt-bridge.broker-url", () -> BROKER);
        registry.add("bridge.topic", () -> "camel-mqtt-bridge/examples/spring-boot/" + RUN + "/#");
        registry.add("bridge.output-directory", OUTPUT::toString);
    }

    @Autowired
    CamelContext camelContext;

    @Test
    void oneMessageFromMosquittoBecomesAFile() throws Exception {
        assertThat(camelContext.getRouteController().getRouteStatus("mqtt-to-file")).isEqualTo(ServiceStatus.Started);
        String payload = "spring-boot-" + UUID.randomUUID();
        try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(BROKER)
                .clientId("spring-boot-test-pub-" + RUN).build())) {
            publisher.connect().get(10, TimeUnit.SECONDS);
            publisher.publish(OutboundMessage.of("camel-mqtt-bridge/examples/spring-boot/" + RUN + "/sensor",
                    payload.getBytes(StandardCharsets.UTF_8), 1)).get(10, TimeUnit.SECONDS);
            publisher.disconnect().get(10, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> contents().contains(payload));
        assertThat(contents()).containsExactly(payload);
    }

    @Test
    void theComponentIsConfiguredFromApplicationProperties() {
        MqttBridgeComponent component = camelContext.getComponent("mqtt-bridge", MqttBridgeComponent.class);
        assertThat(component.getConfiguration().getBrokerUrl()).isEqualTo(BROKER);
        // application.properties: camel.component.mqtt-bridge.qos = 1 (the component's default is 2)
        assertThat(component.getConfiguration().getQos()).isEqualTo(1);
    }

    @Test
    void theNettyThatRunsIsTheOneTheComponentIsBuiltWith() {
        // Spring Boot 3.5.7 alone would bring 4.1.128.Final; the POM's netty.version keeps the component's Netty
        assertThat(Version.identify()).containsKey("netty-codec-mqtt");
        Version.identify().forEach((artifact, version) -> assertThat(version.artifactVersion())
                .as(artifact).isEqualTo(COMPONENT_NETTY));
    }

    private static List<String> contents() throws Exception {
        if (!Files.isDirectory(OUTPUT)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(OUTPUT)) {
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
