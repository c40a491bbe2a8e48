package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12: the stream on <em>one</em> MQTT topic (one device, one Kafka key), where the consumer pipelines several
 * messages of that topic into Kafka's asynchronous producer at once (ordering=pipelined, the default). Besides
 * "nothing lost", the order in Kafka is checked: read back from the one partition, the first arrival of each number
 * must come after the first arrival of every lower number (duplicates are at-least-once redeliveries and are counted,
 * not ordered).
 * <ul>
 * <li>bridge killed with SIGKILL twice mid-stream: the broker re-sends what was not acked, in order, to the restarted
 * bridge — duplicates of what was in flight, nothing lost, nothing out of order;</li>
 * <li>the Kafka step <em>fails</em> for a while: Kafka is stopped for longer than the producer's delivery timeout
 * (set to 3 s here; 2 min by default), so exchanges fail and are redelivered. The documented behaviour: the failed
 * message's topic pauses (nothing new of it starts) and its failed messages are retried one at a time in arrival order
 * until Kafka is back — nothing lost and, Kafka being down for all of them, nothing out of order.</li>
 * </ul>
 * QoS 1 in the default run; QoS 2 as well with -Dreliability.soak=true.
 */
class HotTopicFaultTest extends FaultTestSupport {

    private static final int KILLS = 2;

    static List<Integer> qosLevels() {
        return Reliability.soak() ? List.of(1, 2) : List.of(1);
    }

    private static NumberedPublisher oneTopicPublisher(String run, int qos) {
        return new NumberedPublisher(mosquitto.tcpUrl(), run, qos, WINDOW, 1);
    }

    @ParameterizedTest(name = "QoS {0}")
    @MethodSource("qosLevels")
    void oneHotTopicBridgeKilledTwiceLosesNothingAndKeepsOrder(int qos) throws Exception {
        var kafka = SharedKafka.get();
        String run = kafkaRun("hot-kill", qos);
        int n = messages();
        List<Duration> recoveries = new ArrayList<>();
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers());
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = oneTopicPublisher(run, qos).rate(Math.max(rate() / 4, n / 40.0))) {
            bridge.start();
            publisher.start(n);
            List<Integer> points = List.of(randomPoint(0.15, 0.35), randomPoint(0.55, 0.75));
            for (int point : points) {
                publisher.awaitIssued(point, Duration.ofMinutes(5));
                BridgeProcess.sleep(500 + RANDOM.nextInt(2000)); // let the restarted process work a while
                bridge.kill();
                BridgeProcess.sleep(500);
                tail.mark();
                bridge.start();
                recoveries.add(tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(90), n));
            }
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            List<Integer> numbers = SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run));
            Tally tally = new Tally(n, numbers);
            int overtaken = overtaken(numbers);
            boolean overshoot = bridge.countLines("exceeded our Receive Maximum") > 0;
            Reliability.report(tally.summary("9-hot-topic-sigkill-x2", qos,
                    recoveries.stream().filter(d -> d != null).max(Duration::compareTo).orElse(null),
                    String.format(Locale.ROOT, "topics=1 kills=%s outOfOrder=%d brokerExceededReceiveMaximum=%s "
                            + "recoveries=%s", points, overtaken, overshoot, recoveries.stream()
                            .map(d -> d == null ? "none" : d.toMillis() + "ms").collect(Collectors.joining(",")))));
            assertThat(tally.lost).as("lost numbers in Kafka: %s; bridge log:\n%s", tally, bridge.tail(30)).isZero();
            assertThat(overtaken).as("first arrivals in Kafka after a higher number (one topic, one key)").isZero();
            if (!overshoot) {
                assertThat(tally.duplicates).as("duplicates beyond the in-flight window per kill")
                        .isLessThanOrEqualTo((long) KILLS * WINDOW);
            }
            assertThat(recoveries).doesNotContainNull();
        }
    }

    @ParameterizedTest(name = "QoS {0}")
    @MethodSource("qosLevels")
    void oneHotTopicWhileTheKafkaStepFailsPausesRetriesInOrderAndLosesNothing(int qos) throws Exception {
        var kafka = SharedKafka.get();
        String run = kafkaRun("hot-kafka-fails", qos);
        int n = messages();
        Duration outage = Reliability.outage(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers())
                // the producer gives a record up after 3 s instead of 2 min: the exchange fails while Kafka is down
                .property("camel.component.kafka.deliveryTimeoutMs", 3000)
                .property("camel.component.kafka.requestTimeoutMs", 2000)
                .property("camel.component.kafka.maxBlockMs", 3000)
                .property("camel.component.mqtt-bridge.configuration.maxRedeliveryDelay", 2000);
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = oneTopicPublisher(run, qos).rate(rate())) {
            bridge.start();
            publisher.start(n);
            publisher.awaitIssued(randomPoint(0.2, 0.4), Duration.ofMinutes(5));
            kafka.stop();
            BridgeProcess.sleep(outage.toMillis());
            kafka.start();
            tail.mark();
            Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(120));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            List<Integer> numbers = SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run));
            Tally tally = new Tally(n, numbers);
            int overtaken = overtaken(numbers);
            long failures = bridge.countLines("stays unacknowledged and is redelivered");
            long paused = bridge.countLines("later messages of its ordering key wait for it");
            Reliability.report(tally.summary("10-hot-topic-kafka-fails", qos, recovery, String.format(Locale.ROOT,
                    "topics=1 outage=%ds deliveryTimeout=3s failedExchanges=%d outOfOrder=%d", outage.toSeconds(),
                    failures, overtaken)));
            assertThat(failures).as("exchanges that failed while Kafka was down; bridge log:\n%s", bridge.tail(30))
                    .isPositive();
            assertThat(paused).as("each failure paused the topic").isEqualTo(failures);
            assertThat(tally.lost).as("%s; bridge log:\n%s", tally, bridge.tail(30)).isZero();
            assertThat(overtaken).as("first arrivals in Kafka after a higher number (one topic, one key)").isZero();
            assertThat(recovery).isNotNull();
        }
    }

    /** First arrivals (duplicates skipped) that are lower than an earlier first arrival. */
    static int overtaken(List<Integer> numbers) {
        Set<Integer> seen = new HashSet<>();
        int highest = -1;
        int overtaken = 0;
        for (int x : numbers) {
            if (!seen.add(x)) {
                continue;
            }
            if (x < highest) {
                overtaken++;
            }
            highest = Math.max(highest, x);
        }
        return overtaken;
    }
}
