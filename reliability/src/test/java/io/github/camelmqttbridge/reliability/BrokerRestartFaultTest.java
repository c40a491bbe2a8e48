package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenario 2: Mosquitto (persistence on) goes away mid-stream and comes back on the same port with its persistence
 * file; the bridge and the publisher reconnect and resume their persistent sessions.
 * <ul>
 * <li>{@code sigterm}: Mosquitto is stopped with SIGTERM (it writes its persistence file on the way out) and
 * started again: lost must be 0, and for QoS 2 duplicates must be 0.</li>
 * <li>{@code sigkill}: Mosquitto is killed with SIGKILL. Mosquitto persists by snapshot ({@code autosave_interval},
 * here 1 s), not by a write-ahead log, so whatever it accepted after its last snapshot is gone with the process:
 * messages it had PUBACKed to the publisher and not yet delivered can be lost <em>by the broker</em>. The test
 * reports lost/duplicates for this case and asserts only what the bridge controls: it reconnects and drains what
 * the broker still has (lost is reported, not asserted).</li>
 * </ul>
 */
class BrokerRestartFaultTest extends FaultTestSupport {

    @ParameterizedTest(name = "QoS {0}, {1}")
    @CsvSource({"1, sigterm", "2, sigterm", "1, sigkill"})
    void brokerRestartedMidStream(int qos, String how) throws Exception {
        // the SIGKILL case measures Mosquitto more than the bridge: soak runs only, to keep the default build short
        org.junit.jupiter.api.Assumptions.assumeTrue(how.equals("sigterm") || Reliability.soak(),
                "SIGKILL of Mosquitto runs with -Dreliability.soak=true");
        var kafka = SharedKafka.get();
        String run = kafkaRun("broker-" + how, qos);
        int n = messages();
        Duration down = Duration.ofSeconds(3);
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers());
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = publisher(run, qos)) {
            bridge.start();
            publisher.start(n);
            int point = randomPoint(0.3, 0.6);
            publisher.awaitIssued(point, Duration.ofMinutes(5));
            if (how.equals("sigkill")) {
                mosquitto.kill();
            } else {
                mosquitto.stop();
            }
            BridgeProcess.sleep(down.toMillis());
            mosquitto.restart(); // same port, same persistence directory
            tail.mark();
            Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(90));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Reliability.report(tally.summary("2-mosquitto-" + how, qos, recovery, String.format(Locale.ROOT,
                    "at=%d down=%ds republished=%d", point, down.toSeconds(), publisher.republished())));
            assertThat(recovery).as("no record reached Kafka after the broker came back; bridge log:\n%s",
                    bridge.tail(30)).isNotNull();
            if (how.equals("sigterm")) {
                assertThat(tally.lost).as("%s", tally).isZero();
                boolean overshoot = bridge.countLines("exceeded our Receive Maximum") > 0;
                if (qos == 2 && (!overshoot || Boolean.getBoolean("reliability.strict"))) {
                    // RELIABILITY.md F1: our eager acks after the resume caused most duplicates (fixed). What can
                    // remain is Mosquitto 2.0.11 re-sending already PUBREC'd messages as PUBLISH after a restart, which
                    // happens only when it had pushed more than our Receive Maximum (the engine logs that); then the
                    // duplicates are the broker's, and only -Dreliability.strict=true still asserts.
                    assertThat(tally.duplicates).as("QoS 2 after a clean broker restart: %s", tally).isZero();
                }
            }
        }
    }
}
