package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 1: the bridge process is killed with SIGKILL at three random points of the stream and started again
 * with its file session store. Kafka and (once, with mqtt-to-file.yaml next to it) the JSON Lines files must hold
 * every number. Duplicates are allowed only for what was in flight at a kill: at most the consumer window (100
 * unacknowledged messages) per kill, i.e. 300 for three kills — for QoS 1 and for QoS 2 alike, because a record
 * written to Kafka whose PUBACK/PUBREC had not left the process yet is redelivered by the broker. That bound is
 * asserted only when Mosquitto respected the bridge's Receive Maximum: Mosquitto 2.0.x pushes a resumed session's
 * backlog beyond it (the engine logs "exceeded our Receive Maximum"), and then a kill can duplicate up to what it
 * pushed.
 */
class BridgeKillFaultTest extends FaultTestSupport {

    private static final int KILLS = 3;

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void bridgeKilledThreeTimesLosesNothing(int qos) throws Exception {
        var kafka = SharedKafka.get();
        String run = kafkaRun("kill", qos);
        int n = messages();
        boolean withFiles = qos == 1; // once to files as well
        List<Duration> recoveries = new ArrayList<>();
        try (BridgeProcess bridge = withFiles
                ? kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers(), "mqtt-to-file.yaml")
                : kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers());
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             // slower than the other scenarios: three restarts of a JVM (~5-10 s each here) must fit in the stream
             NumberedPublisher publisher = publisher(run, qos).rate(Math.max(rate() / 4, n / 40.0))) {
            bridge.start();
            publisher.start(n);
            List<Integer> points = new ArrayList<>();
            for (int k = 0; k < KILLS; k++) {
                points.add(randomPoint(0.1 + 0.25 * k, 0.3 + 0.25 * k));
            }
            for (int point : points) {
                publisher.awaitIssued(point, Duration.ofMinutes(5));
                // restarts take seconds: let the new process work a random while before the next kill
                BridgeProcess.sleep(500 + RANDOM.nextInt(2500));
                bridge.kill();
                BridgeProcess.sleep(500); // whatever the dead process wrote is in the tail by now
                tail.mark();
                long restartAt = System.nanoTime();
                bridge.start();
                Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(90), n);
                recoveries.add(recovery == null ? null : recovery.plusMillis(500));
                System.out.printf(Locale.ROOT, "  kill at message %d: restarted in %.1f s, first record after %s%n",
                        point, (System.nanoTime() - restartAt) / 1e9, recovery);
            }
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Duration worst = recoveries.stream().filter(d -> d != null).max(Duration::compareTo).orElse(null);
            String each = recoveries.stream().map(d -> d == null ? "none" : String.format(Locale.ROOT, "%.1fs",
                    d.toMillis() / 1000.0)).collect(Collectors.joining(","));
            Reliability.report(tally.summary("1-bridge-sigkill-x3", qos, worst,
                    "sink=kafka brokerExceededReceiveMaximum=" + (bridge.countLines("exceeded our Receive Maximum") > 0)
                            + " kills=" + points + " recoveries=" + each + " republished=" + publisher.republished()
                            + " bound=" + (KILLS * WINDOW)));
            assertThat(tally.lost).as("lost numbers in Kafka: %s; bridge log:\n%s", tally, bridge.tail(30)).isZero();
            // Mosquitto 2.0.x ignores our Receive Maximum when it resumes a session with a backlog (the engine logs
            // "exceeded our Receive Maximum"): the process then holds more than the window, and a kill can
            // duplicate up to what the broker pushed. The window bound holds only when that did not happen.
            boolean overshoot = bridge.countLines("exceeded our Receive Maximum") > 0;
            if (!overshoot) {
                assertThat(tally.duplicates).as("duplicates beyond the in-flight window (%d per kill)", WINDOW)
                        .isLessThanOrEqualTo((long) KILLS * WINDOW);
            }
            assertThat(recoveries).as("a restart after which nothing reached Kafka although numbers were missing")
                    .doesNotContainNull();

            if (withFiles) {
                Tally files = new Tally(n, JsonLinesFiles.sequences(runDir(run).resolve("out")));
                Reliability.report(files.summary("1-bridge-sigkill-x3", qos, worst, "sink=files"));
                assertThat(files.lost).as("lost numbers in the files: %s", files).isZero();
                if (!overshoot) {
                    assertThat(files.duplicates).isLessThanOrEqualTo((long) KILLS * WINDOW);
                }
            }
        }
    }
}
