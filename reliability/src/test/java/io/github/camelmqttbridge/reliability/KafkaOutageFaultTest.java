package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 3: the Kafka child process is stopped with SIGTERM for 10 s (30 s with -Dreliability.soak=true) in the
 * middle of the stream and started again. While it is down the bridge must stop acknowledging (the Kafka producer's
 * callback never comes), hold no more than its window of unacknowledged messages (the runner's status line "in
 * flight" stays at most 100; the backlog waits in Mosquitto), keep its memory bounded (peak RSS is reported), and
 * catch up afterwards with nothing lost.
 */
class KafkaOutageFaultTest extends FaultTestSupport {

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void kafkaStoppedAndStartedAgain(int qos) throws Exception {
        var kafka = SharedKafka.get();
        String run = kafkaRun("kafka-down", qos);
        int n = messages();
        Duration outage = Reliability.outage(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers());
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = publisher(run, qos)) {
            bridge.start();
            publisher.start(n);
            int point = randomPoint(0.2, 0.4);
            publisher.awaitIssued(point, Duration.ofMinutes(5));
            kafka.stop();
            long stoppedAt = System.nanoTime();
            BridgeProcess.sleep(2000); // let the last callbacks of records that made it before the stop settle
            long ackedBefore = bridge.lastAcked();
            int issuedBefore = publisher.issued();
            BridgeProcess.sleep(Math.max(0, outage.toMillis() - 2000 - (System.nanoTime() - stoppedAt) / 1_000_000));
            long ackedDuringOutage = bridge.lastAcked() - ackedBefore;
            int publishedDuringOutage = publisher.issued() - issuedBefore;
            long inflightPeak = bridge.maxInflightSeen();
            kafka.start();
            tail.mark();
            Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(120));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            long rssMb = bridge.peakRssKb() / 1024;
            bridge.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Reliability.report(tally.summary("3-kafka-sigterm", qos, recovery, String.format(Locale.ROOT,
                    "outage=%ds publishedDuringOutage=%d ackedDuringOutage=%d maxInFlight=%d peakRss=%dMB",
                    outage.toSeconds(), publishedDuringOutage, ackedDuringOutage, inflightPeak, rssMb)));
            assertThat(tally.lost).as("%s; bridge log:\n%s", tally, bridge.tail(30)).isZero();
            assertThat(recovery).isNotNull();
            assertThat(ackedDuringOutage).as("messages acked while Kafka was down").isZero();
            assertThat(inflightPeak).as("in flight while Kafka was down (window %d)", WINDOW)
                    .isLessThanOrEqualTo(2L * WINDOW);
            assertThat(rssMb).as("peak RSS of the bridge (-Xmx256m)").isLessThan(600);
        }
    }
}
