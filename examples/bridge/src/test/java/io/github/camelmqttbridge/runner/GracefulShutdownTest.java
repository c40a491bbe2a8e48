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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C / SIGTERM on the runner as a child JVM, against Mosquitto on 127.0.0.1:1883 with a persistent session:
 * the exchange in flight when the signal comes finishes (its line is written) and the process exits 0; what the
 * bridge had not acked comes back on the next start, so every message is in the sink exactly where it should be.
 */
@EnabledIf("io.github.camelmqttbridge.runner.ChildBridge#mosquittoUp")
class GracefulShutdownTest {

    private static final Pattern N = Pattern.compile("\"n\":(\\d+)");
    private static final int MESSAGES = 12;

    @TempDir
    Path dir;

    @Test
    void sigtermFinishesTheInFlightExchangeExitsZeroAndUnackedMessagesComeBack() throws Exception {
        String id = UUID.randomUUID().toString();
        String topic = "it/shutdown/" + id;
        String[] args = {"--routes", resource("slow-routes"), "--status-interval", "0", "--shutdown-timeout", "20",
            "mqtt.url=tcp://127.0.0.1:1883", "test.topic=" + topic, "test.clientId=shutdown-" + id,
            "test.delay=700", "bridge.out.dir=" + dir.resolve("out"), "bridge.state.dir=" + dir.resolve("state")};
        Path file = dir.resolve("out/" + topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");

        List<Integer> firstRun;
        try (ChildBridge bridge = ChildBridge.start(dir, Map.of(), args)) {
            bridge.awaitReady();
            ChildBridge.publish("tcp://127.0.0.1:1883", topic,
                    IntStream.range(0, MESSAGES).mapToObj(i -> "{\"n\":" + i + "}").toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> numbers(file).size() >= 3);
            int atSignal = numbers(file).size();

            int exit = bridge.terminate(Duration.ofSeconds(60));

            String output = bridge.output();
            assertThat(exit).as(output).isZero();
            assertThat(output).contains("stopping (in-flight messages finish", "camel-mqtt-bridge: stopped")
                    .doesNotContain("Exception");
            firstRun = numbers(file);
            // the message in the 700 ms delay when SIGTERM came was finished, written and acked before the exit
            assertThat(firstRun.size()).as(output).isGreaterThan(atSignal).isLessThan(MESSAGES);
            assertThat(firstRun).isEqualTo(IntStream.range(0, firstRun.size()).boxed().toList());
        }

        // next start, same client id and session: the broker redelivers what was not acked, nothing is missing
        try (ChildBridge bridge = ChildBridge.start(dir, Map.of(), args)) {
            await().atMost(Duration.ofSeconds(120)).until(() -> new TreeSet<>(numbers(file)).size() == MESSAGES
                    || !bridge.process.isAlive());
            Set<Integer> all = new TreeSet<>(numbers(file));
            assertThat(all).as(bridge.output()).containsExactlyElementsOf(
                    IntStream.range(0, MESSAGES).boxed().toList());
            // acked messages were not delivered again (a redelivered one could at most repeat the last line)
            assertThat(numbers(file).size()).isLessThanOrEqualTo(MESSAGES + 1);
            assertThat(bridge.terminate(Duration.ofSeconds(60))).as(bridge.output()).isZero();
        }
    }

    /** The numbers {@code "n":<int>} of the JSON lines the bridge wrote to {@code file}, in file order. */
    static List<Integer> numbers(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().map(line -> {
            Matcher m = N.matcher(line);
            if (!m.find()) {
                throw new AssertionError("not a complete record: " + line);
            }
            return Integer.parseInt(m.group(1));
        }).toList();
    }

    static String resource(String name) {
        try {
            return Path.of(GracefulShutdownTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
