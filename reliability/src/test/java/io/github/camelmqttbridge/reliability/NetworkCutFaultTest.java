package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 5: the network path between the bridge and Mosquitto is cut without a FIN or RST: a {@link TcpProxy} in
 * this JVM stops forwarding ({@code blackhole()}) for 10 s (30 s in soak mode). The bridge runs with
 * keepAliveInterval=3 s, so its keep-alive (no PINGRESP) must detect the dead connection; it reconnects after
 * {@code restore()} and resumes its persistent session; nothing is lost.
 */
class NetworkCutFaultTest extends FaultTestSupport {

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void pathBlackholedThenRestored(int qos) throws Exception {
        var kafka = SharedKafka.get();
        String run = kafkaRun("netcut", qos);
        int n = messages();
        Duration cut = Reliability.outage(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", mosquitto.port());
             BridgeProcess bridge = kafkaBridge(run, qos, proxy.tcpUrl(), kafka.bootstrapServers())
                     .property("camel.component.mqtt-bridge.configuration.keepAliveInterval", 3)
                     .property("camel.component.mqtt-bridge.configuration.connectionTimeout", 5);
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = publisher(run, qos)) {
            bridge.start();
            publisher.start(n);
            int point = randomPoint(0.2, 0.4);
            publisher.awaitIssued(point, Duration.ofMinutes(5));
            proxy.blackhole();
            BridgeProcess.sleep(cut.toMillis());
            long detected = bridge.countLines("No PINGRESP");
            proxy.restore();
            tail.mark();
            Duration recovery = tail.awaitFirstArrivalAfterMark(Duration.ofSeconds(120));
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            Tally tally = new Tally(n, SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            Reliability.report(tally.summary("5-network-blackhole", qos, recovery, String.format(Locale.ROOT,
                    "cut=%ds keepAlive=3s noPingrespLines=%d", cut.toSeconds(), detected)));
            assertThat(tally.lost).as("%s; bridge log:\n%s", tally, bridge.tail(40)).isZero();
            assertThat(recovery).as("nothing reached Kafka after restore(); bridge log:\n%s", bridge.tail(40))
                    .isNotNull();
            assertThat(detected).as("the bridge noticed the dead path during the cut; log:\n%s", bridge.tail(40))
                    .isPositive();
        }
    }
}
