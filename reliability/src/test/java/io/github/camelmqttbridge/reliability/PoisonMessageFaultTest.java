package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scenario 6: one message in the middle of the stream is not a reading at all. mqtt-to-kafka.yaml must put it in
 * its dead letter topic with the error and the original bytes, acknowledge it, and let every other number through.
 */
class PoisonMessageFaultTest extends FaultTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void poisonMessageIsDeadLetteredAndTheRestFlows(int qos) throws Exception {
        // the dead letter path does not depend on the QoS: QoS 2 in soak runs only, to keep the default build short
        org.junit.jupiter.api.Assumptions.assumeTrue(qos == 1 || Reliability.soak(), "QoS 2 runs with -Dreliability.soak=true");
        var kafka = SharedKafka.get();
        String run = kafkaRun("poison", qos);
        int n = messages();
        int poison = n / 2;
        try (BridgeProcess bridge = kafkaBridge(run, qos, mosquitto.tcpUrl(), kafka.bootstrapServers());
             SequenceTail tail = new SequenceTail(kafka.bootstrapServers(), dataTopic(run));
             NumberedPublisher publisher = publisher(run, qos).poisonAt(poison)) {
            bridge.start();
            long start = System.nanoTime();
            publisher.start(n);
            publisher.awaitConfirmed(drainTimeout());
            tail.awaitDistinct(n - 1, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            List<Integer> numbers = new ArrayList<>(SequenceTail.readAll(kafka.bootstrapServers(), dataTopic(run)));
            List<byte[]> dead = SequenceTail.readValues(kafka.bootstrapServers(), dlqTopic(run));
            int poisonInDlq = 0;
            String error = null;
            for (byte[] value : dead) {
                JsonNode record = JSON.readTree(value);
                String original = new String(Base64.getDecoder().decode(record.get("payloadBase64").asText()),
                        StandardCharsets.UTF_8);
                if (original.equals(NumberedPublisher.POISON_PAYLOAD)) {
                    poisonInDlq++;
                    error = record.get("error").asText();
                }
            }
            // the poison is accounted for when it is in the dead letter topic
            for (int i = 0; i < poisonInDlq; i++) {
                numbers.add(poison);
            }
            Tally tally = new Tally(n, numbers);
            Reliability.report(tally.summary("6-poison-message", qos, null, "poisonAt=" + poison + " deadLettered="
                    + dead.size() + " elapsed=" + Duration.ofNanos(System.nanoTime() - start).toSeconds() + "s"));
            assertThat(poisonInDlq).as("the poison message in %s (error: %s)", dlqTopic(run), error).isEqualTo(1);
            assertThat(dead).hasSize(1);
            assertThat(tally.lost).as("%s", tally).isZero();
        }
    }
}
