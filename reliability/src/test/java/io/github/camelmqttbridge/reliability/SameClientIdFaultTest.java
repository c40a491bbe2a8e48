package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.testsupport.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Scenario 8: a rolling update. A second bridge ("new", its own state folder, as on another machine) starts with the
 * same MQTT client id while the first ("old") still runs, for 45 s (120 s with -Dreliability.soak=true); then the old
 * one is stopped, as the update would. The broker gives the session to the newest connection and closes the other
 * (MQTT 5 allows a DISCONNECT "session taken over", 0x8E, first; Mosquitto 2.0.11 sends none). Asserted over the
 * last two thirds of the overlap, once a reconnect policy had time to slow down: at most
 * {@value #MAX_TAKEOVERS_PER_MINUTE} take-overs a minute (counted by the broker: Mosquitto logs "Client ... already
 * connected, closing old connection" for each); the consumers' JMX (what their health check reports) says why (a
 * take-over, or another client with the same client id); records keep reaching Kafka (the bridge holding the session
 * keeps bridging); and nothing is lost.
 * <p>
 * Before the reconnect policy (issue 13 point 1) the two replicas took the session from each other several times a
 * second for as long as both ran (98 a minute, 2,605 duplicates for 3,000 messages).
 */
class SameClientIdFaultTest extends FaultTestSupport {

    static final int MAX_TAKEOVERS_PER_MINUTE = 12;

    @Test
    void twoBridgesWithTheSameClientIdDuringARollingUpdate() throws Exception {
        int qos = 1;
        var kafka = SharedKafka.get();
        String run = kafkaRun("same-client-id", qos);
        int n = messages();
        Duration overlap = Reliability.outage(Duration.ofSeconds(45), Duration.ofSeconds(120));
        Duration settle = overlap.dividedBy(3);
        Duration measured = overlap.minus(settle);
        int oldJmx = FreePorts.find();
        int newJmx = FreePorts.find();
        double rate = n / (overlap.toSeconds() + 15.0);
        try (BridgeProcess old = replica(run, "old", qos, kafka.bootstrapServers(), oldJmx);
             BridgeProcess updated = replica(run, "new", qos, kafka.bootstrapServers(), newJmx);
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = new NumberedPublisher(mosquitto.tcpUrl(), run, qos, WINDOW, DEVICES)
                     .rate(rate)) {
            old.start();
            // same client id: the broker takes the session from the old bridge. Not waiting for its routes: on
            // today's engine its consumer's start can block while the two take the session from each other.
            String takeover = "Client " + clientId(run) + " already connected, closing old connection";
            updated.launch();
            awaitCondition(Duration.ofSeconds(180), () -> mosquittoLogLines(takeover) > 0,
                    () -> "the new bridge did not connect; its log:\n" + updated.tail(30));
            // the stream starts once both run (a JVM start takes a minute on a busy machine) and lasts beyond the
            // overlap, so there is something to bridge all the time
            publisher.start(n);
            BridgeProcess.sleep(settle.toMillis()); // time for a reconnect policy to slow down, not a wait for something
            long takeoversBefore = mosquittoLogLines(takeover);
            long recordsBefore = tail.records();
            BridgeProcess.sleep(measured.toMillis()); // the measured part of the overlap
            long takeovers = mosquittoLogLines(takeover) - takeoversBefore;
            long recordsDuring = tail.records() - recordsBefore;
            List<BridgeJmx.ConsumerState> consumers = new ArrayList<>(BridgeJmx.consumers(oldJmx));
            consumers.addAll(BridgeJmx.consumers(newJmx));
            double perMinute = takeovers * 60.0 / measured.toSeconds();
            long oldReconnects = old.reconnects();
            long newReconnects = updated.reconnects();
            boolean newStarted = updated.started();

            old.stop(); // the rolling update ends the old replica
            tail.mark();
            updated.awaitStarted(Duration.ofSeconds(180));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            updated.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Reliability.report(tally.summary("8-same-client-id", qos, tail.sinceMarkToFirstArrival(),
                    String.format(Locale.ROOT, "overlap=%ds takeovers=%d in %ds (%.1f/min) reconnectsOld=%d"
                                    + " reconnectsNew=%d newStartedDuringOverlap=%s recordsWhileMeasured=%d consumers=%s",
                            overlap.toSeconds(), takeovers, measured.toSeconds(), perMinute, oldReconnects,
                            newReconnects, newStarted, recordsDuring, consumers)));
            assertThat(tally.lost).as("%s; new bridge's log:\n%s", tally, updated.tail(30)).isZero();
            // Mosquitto 2.0.11 closes the taken-over connection without a DISCONNECT 0x8E (mosquitto_sub -d shows
            // none either): the client has to infer it from connections that end right after CONNACK
            assertThat(consumers).as("the consumers' JMX: one says why it lost its connection")
                    .anySatisfy(c -> assertThat(c.lastError()).containsPattern("(?i)taken over|client id"));
            assertThat(recordsDuring).as("records that reached Kafka while both bridges ran").isPositive();
            assertThat(perMinute).as("take-overs per minute while both ran (%d in %d s); old bridge's log:\n%s",
                    takeovers, measured.toSeconds(), old.tail(20)).isLessThanOrEqualTo(MAX_TAKEOVERS_PER_MINUTE);
        }
    }

    /** A replica with the component's default maximum reconnect delay (30 s), as deployed, and JMX on a port. */
    private static BridgeProcess replica(String run, String name, int qos, String bootstrap, int jmxPort) {
        return kafkaBridge(run, name, qos, mosquitto.tcpUrl(), bootstrap)
                .property("camel.component.mqtt-bridge.configuration.maxReconnectDelay", 30000)
                .jmxPort(jmxPort);
    }

    /** The MQTT client id of the mqtt-to-kafka route (its clientId is "{{mqtt.clientId}}-kafka"). */
    private static String clientId(String run) {
        return "rel-" + run + "-kafka";
    }

    private static void awaitCondition(Duration timeout, java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(failure.get());
            }
            BridgeProcess.sleep(200);
        }
    }
}
