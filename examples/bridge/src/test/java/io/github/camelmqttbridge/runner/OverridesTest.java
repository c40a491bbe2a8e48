package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order camel-main users expect, on the runner as a child JVM with its own environment:
 * routes/application.properties &lt; --properties file &lt; environment variables (MQTT_URL, BRIDGE_OUT_DIR) &lt;
 * name=value arguments.
 */
@EnabledIf("io.github.camelmqttbridge.runner.ChildBridge#mosquittoUp")
class OverridesTest {

    @TempDir
    Path dir;

    @Test
    void environmentVariablesOverrideThePropertiesFileAndArgumentsOverrideBoth() throws Exception {
        String id = UUID.randomUUID().toString();
        Path properties = dir.resolve("my.properties");
        Files.writeString(properties, String.join("\n",
                "mqtt.url=tcp://127.0.0.1:1",                 // overridden by MQTT_URL
                "bridge.out.dir=" + dir.resolve("from-file"), // overridden by BRIDGE_OUT_DIR
                "test.topic=from-file/" + id,                 // overridden by TEST_TOPIC, then by the argument
                "test.clientId=overrides-" + id, ""));
        Map<String, String> env = Map.of(
                "MQTT_URL", "tcp://127.0.0.1:1883",
                "BRIDGE_OUT_DIR", dir.resolve("from-env").toString(),
                "TEST_TOPIC", "from-env/" + id);
        String topic = "from-args/" + id;
        try (ChildBridge bridge = ChildBridge.start(dir, env, "--routes", GracefulShutdownTest.resource("env-routes"),
                "--properties", properties.toString(), "--status-interval", "0", "test.topic=" + topic)) {
            bridge.awaitReady();
            String output = bridge.output();
            assertThat(output).doesNotContain("embedded").contains("mqtt-bridge://" + topic);

            ChildBridge.publish("tcp://127.0.0.1:1883", topic, List.of("{\"value\":1}"));
            Path file = dir.resolve("from-env/" + topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
            assertThat(Files.readString(file)).contains("\"payload\":{\"value\":1}");
            assertThat(dir.resolve("from-file")).doesNotExist();
            assertThat(bridge.terminate(Duration.ofSeconds(60))).isZero();
        }
    }
}
