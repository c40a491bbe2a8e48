package io.github.camelmqttbridge.kafka.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

    @Test
    void startsSendsReadsAndStops() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics("t1");
            kafka.send("t1", "k", "hello".getBytes(StandardCharsets.UTF_8));
            var records = kafka.read("t1", 1, Duration.ofSeconds(20));
            assertThat(records).hasSize(1);
            assertThat(records.get(0).key()).isEqualTo("k");
            assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("hello");
            kafka.close();
            kafka.close(); // closing twice is harmless
        }
    }
}
