package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the runner on its embedded default, stopped (SIGTERM) and started again as a user does it, with no folder
 * options (its home folder is the test's folder, so the default ~/.camel-mqtt-bridge is used). The embedded MQTT
 * broker keeps its data and port: the messages it held for the bridge's persistent session when the bridge stopped
 * (most of them queued, not yet sent to it: a small receive window and a slow route) arrive after the restart, on the
 * same port, and nothing says messages "may be lost". The embedded Kafka keeps its data: a record written before the
 * restart is still there after it.
 */
class RestartTest {

    private static final Pattern MQTT_URL = Pattern.compile("embedded MQTT 5 broker \\(HiveMQ CE\\) at (tcp://\\S+?),");
    private static final Pattern KAFKA = Pattern.compile("embedded Kafka \\(KRaft, one node\\) at (\\S+?),");
    private static final int MESSAGES = 10;

    @TempDir
    Path home;

    @Test
    void aRestartKeepsTheEmbeddedBrokersDataAndPortSoWhatTheBrokerHeldArrives() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "restart/" + id;
        String device = "dev-" + id;
        String[] args = {"--routes", "classpath:routes/mqtt-to-kafka.yaml,file:"
                + Path.of(GracefulShutdownTest.resource("slow-routes"), "slow.yaml"),
            "--status-interval", "0", "--shutdown-timeout", "20", "test.topic=" + topic,
            "test.clientId=restart-" + id, "test.delay=500", "test.receiveMaximum=1"};
        Path data = home.resolve(".camel-mqtt-bridge");
        Path file = data.resolve("out/" + topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");

        String mqttUrl;
        int firstRun;
        try (ChildBridge bridge = ChildBridge.start(home, Map.of(), args)) {
            bridge.awaitReady();
            String output = bridge.output();
            mqttUrl = find(MQTT_URL, output);
            String kafka = find(KAFKA, output);
            assertThat(output).contains("state (MQTT sessions, embedded brokers' data): " + data.resolve("state"));

            ChildBridge.publish(mqttUrl, "sensors/" + device + "/temperature", List.of("{\"value\":21.5}"));
            assertThat(readKafka(kafka, device, 1)).hasSize(1);

            ChildBridge.publish(mqttUrl, topic, IntStream.range(0, MESSAGES).mapToObj(i -> "{\"n\":" + i + "}").toList());
            await().atMost(Duration.ofSeconds(60)).until(() -> GracefulShutdownTest.numbers(file).size() >= 1);
            assertThat(bridge.terminate(Duration.ofSeconds(60))).as(bridge.output()).isZero();
            firstRun = GracefulShutdownTest.numbers(file).size();
            assertThat(firstRun).as("messages written before the stop: the rest must be held by the broker")
                    .isLessThan(MESSAGES);
        }

        try (ChildBridge bridge = ChildBridge.start(home, Map.of(), args)) {
            bridge.awaitReady();
            String output = bridge.output();
            assertThat(find(MQTT_URL, output)).as("the embedded broker's port").isEqualTo(mqttUrl);
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> new TreeSet<>(GracefulShutdownTest.numbers(file)).size() == MESSAGES
                        || !bridge.process.isAlive());
            } catch (ConditionTimeoutException e) {
                // the assertion below names what is missing
            }
            Set<Integer> all = new TreeSet<>(GracefulShutdownTest.numbers(file));
            assertThat(all).as(bridge.output()).containsExactlyElementsOf(IntStream.range(0, MESSAGES).boxed().toList());
            // the record of the first run is still in Kafka (at the port of this run: 9092 may have been taken)
            assertThat(readKafka(find(KAFKA, bridge.output()), device, 1)).hasSize(1);
            assertThat(bridge.terminate(Duration.ofSeconds(60))).as(bridge.output()).isZero();
            assertThat(bridge.output()).doesNotContain("may be lost", "lost the session", "may be gone")
                    .contains("session present: true");
        }
    }

    private static String find(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no " + pattern + " in:\n" + output);
        }
        return m.group(1);
    }

    /** The readings of the device in sensors.temperature, from the beginning; waits for {@code count} of them. */
    private static List<String> readKafka(String bootstrap, String device, int count) {
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaTail.consumerFromBeginning(bootstrap, "restart-test-",
                Map.of())) {
            consumer.subscribe(List.of("sensors.temperature"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (device.equals(record.key())) {
                        found.add(new String(record.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return found;
    }
}
