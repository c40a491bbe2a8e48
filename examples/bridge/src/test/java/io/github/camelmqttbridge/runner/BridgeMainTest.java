package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

class BridgeMainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    static boolean componentPresent() {
        return BridgeMainTest.class.getClassLoader()
                .getResource("META-INF/services/org/apache/camel/component/mqtt-bridge") != null;
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(BridgeMain.run(new String[] {"--help"}, out, err)).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("--routes", "--properties", "embedded");
    }

    @Test
    void anUnknownCommandLineOptionIsNamed() {
        assertThat(BridgeMain.run(new String[] {"--rotues", "x"}, out, err)).isEqualTo(2);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("unknown option '--rotues'");
    }

    @Test
    void aYamlErrorEndsWithOneLineNamingTheFileAndLine() {
        int code = BridgeMain.run(new String[] {"--routes", resource("bad-yaml"), "mqtt.url=tcp://127.0.0.1:1",
                "bridge.out.dir=" + dir}, out, err);
        String error = errBytes.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isEqualTo(1);
        assertThat(error.lines().count()).isEqualTo(1);
        assertThat(error).contains("broken.yaml").containsPattern("line \\d+");
    }

    @Test
    void anUnknownEndpointOptionEndsWithOneLineNamingIt() {
        int code = BridgeMain.run(new String[] {"--routes", resource("bad-option"), "mqtt.url=tcp://127.0.0.1:1",
                "bridge.out.dir=" + dir}, out, err);
        String error = errBytes.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isEqualTo(1);
        assertThat(error.lines().count()).isEqualTo(1);
        assertThat(error).contains("fileExists").contains("unknown-option");
    }

    /** Embedded default broker + a user's route folder; paho-mqtt5 stands in until mqtt-bridge is merged. */
    @Test
    void startsTheEmbeddedBrokerAndBridgesAMessageFromARouteFolder() throws Exception {
        String topic = "it/" + UUID.randomUUID() + "/dev-1/temp";
        BridgeMain.BridgeOptions options = BridgeMain.BridgeOptions.parse(new String[] {
            "--routes", resource("paho-routes"), "--status-interval", "1",
            "test.topic=" + topic, "bridge.out.dir=" + dir, "mqtt.clientId=runner-" + UUID.randomUUID()});
        try (BridgeRunner runner = BridgeRunner.start(options, out)) {
            assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("embedded MQTT 5 broker", runner.mqttUrl());
            publish(runner.mqttUrl(), topic, "{\"value\":21.5}");
            Path file = dir.resolve(topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
            assertThat(Files.readString(file)).contains("\"payload\":{\"value\":21.5}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outBytes.toString(StandardCharsets.UTF_8).contains("acked 1,"));
        }
    }

    /** The README's embedded default, end to end: no arguments but the output folder. */
    @Test
    @EnabledIf("componentPresent")
    void embeddedDefaultBridgesAMessageEndToEnd() throws Exception {
        String topic = "sensors/" + UUID.randomUUID() + "/temp";
        BridgeMain.BridgeOptions options = BridgeMain.BridgeOptions.parse(new String[] {
            "bridge.out.dir=" + dir, "bridge.state.dir=" + dir.resolve("state")});
        try (BridgeRunner runner = BridgeRunner.start(options, out)) {
            publish(runner.mqttUrl(), topic, "21.5");
            Path file = dir.resolve(topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
            assertThat(Files.readString(file)).contains("\"payload\":21.5");
        }
    }

    private static void publish(String url, String topic, String payload) throws Exception {
        MqttClient client = new MqttClient(url, "pub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
        client.disconnect();
        client.close();
    }

    private static String resource(String name) {
        try {
            return Path.of(BridgeMainTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
