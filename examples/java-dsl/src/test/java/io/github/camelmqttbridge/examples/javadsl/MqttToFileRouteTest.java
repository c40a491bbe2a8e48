package io.github.camelmqttbridge.examples.javadsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example exactly as {@link Application} does (camel-main) against the Mosquitto on 127.0.0.1:1883. */
class MqttToFileRouteTest {

    static final String BROKER = System.getProperty("mqtt.broker", "tcp://127.0.0.1:1883");

    @TempDir
    Path output;

    @Test
    void bridgesOneMessageFromMosquittoToAFile() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "examples/java-dsl/" + run;

        Main main = new Main();
        main.configure().addRoutesBuilder(new MqttToFileRoute());
        main.addOverrideProperty("bridge.brokerUrl", BROKER);
        main.addOverrideProperty("bridge.topic", topic + "/#");
        main.addOverrideProperty("bridge.clientId", "java-dsl-test-" + run);
        main.addOverrideProperty("bridge.outputDirectory", output.toString());
        main.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> main.getCamelContext() != null
                    && main.getCamelContext().getRouteController().getRouteStatus("mqtt-to-file") == ServiceStatus.Started);

            try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(BROKER)
                    .clientId("java-dsl-pub-" + run).build())) {
                publisher.connect().get(10, TimeUnit.SECONDS);
                publisher.publish(OutboundMessage.of(topic + "/temperature",
                        "21.5".getBytes(StandardCharsets.UTF_8), 1)).get(10, TimeUnit.SECONDS);
                publisher.disconnect().get(10, TimeUnit.SECONDS);
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> files().size() == 1);
            assertThat(Files.readString(files().get(0))).isEqualTo("21.5");
        } finally {
            main.stop();
        }
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(output)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
