package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: Kafka is down for longer than twice the MQTT keep-alive: 15 s with keepAliveInterval 5 s (150 s with
 * 60 s, the default keep-alive, with -Dreliability.soak=true). The bridge's window fills, the engine stops reading
 * from the socket (backpressure), yet the MQTT connection is healthy: the keep-alive must not take it for dead. So
 * the bridge does not reconnect during the outage (the status line's "reconnects", the sum of the consumers'
 * Reconnects JMX attribute, stays 0; no "No PINGRESP" line), nor while it catches up afterwards (its window is
 * full then too), and nothing is lost once Kafka is back.
 * <p>
 * Before issue 13 point 2 (a keep-alive that tells a dead link from a paused reader) the PINGRESP waited unread behind
 * the paused reader and the connection was dropped every keep-alive or so ("No PINGRESP ... within 5 s").
 */
class KafkaOutageKeepAliveFaultTest extends FaultTestSupport {

    @Test
    void kafkaDownLongerThanTwiceTheKeepAliveWithoutAnMqttReconnect() throws Exception {
        int qos = 1;
        var kafka = SharedKafka.get();
        String run = kafkaRun("kafka-down-keepalive", qos);
        int n = messages();
        int keepAlive = Reliability.soak() ? 60 : 5;
        Duration outage = Reliability.outage(Duration.ofSeconds(15), Duration.ofSeconds(150));
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers())
                     .property("camel.component.mqtt-bridge.configuration.keepAliveInterval", keepAlive);
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = publisher(run, qos)) {
            bridge.start();
            publisher.start(n);
            publisher.awaitIssued(randomPoint(0.2, 0.4), Duration.ofMinutes(5));
            long reconnectsBefore = Math.max(0, bridge.reconnects());
            kafka.stop();
            BridgeProcess.sleep(outage.toMillis()); // the fault's length, not a wait for something
            long reconnectsDuringOutage = Math.max(0, bridge.reconnects()) - reconnectsBefore;
            long noPingresp = bridge.countLines("No PINGRESP");
            long inflightPeak = bridge.maxInflightSeen();
            kafka.start();
            tail.mark();
            Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(120));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            long reconnectsAtEnd = bridge.reconnects();
            bridge.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Reliability.report(tally.summary("7-kafka-down-keepalive", qos, recovery, String.format(Locale.ROOT,
                    "outage=%ds keepAlive=%ds reconnectsDuringOutage=%d reconnectsAtEnd=%d noPingrespLines=%d"
                            + " maxInFlight=%d", outage.toSeconds(), keepAlive, reconnectsDuringOutage,
                    reconnectsAtEnd, noPingresp, inflightPeak)));
            assertThat(tally.lost).as("%s; bridge log:\n%s", tally, bridge.tail(30)).isZero();
            assertThat(recovery).as("nothing reached Kafka after it came back; log:\n%s", bridge.tail(30)).isNotNull();
            assertThat(noPingresp).as("keep-alive failures during the outage; log:\n%s", bridge.tail(30)).isZero();
            assertThat(reconnectsDuringOutage).as("MQTT reconnects during the Kafka outage; log:\n%s", bridge.tail(30))
                    .isZero();
            // the catch-up after the outage keeps the window full too: no reconnect then either
            assertThat(reconnectsAtEnd).as("MQTT reconnects in the whole run; log:\n%s", bridge.tail(30)).isZero();
        }
    }
}
