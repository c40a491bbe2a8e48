package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tail-kafka} against the embedded Kafka: what a user sees, line by line. */
class KafkaTailTest {

    private static EmbeddedKafka kafka;

    @TempDir
    static Path home;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(home, Ports.anyFree(), Ports.anyFree());
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A dead letter record ends in a newline of its own (JSON Lines): still one line per record. */
    @Test
    void aRecordEndingInANewlineIsStillOneLine() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("bridge.dead-letters", 0, 7, "k",
                "{\"error\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(KafkaTail.format(record)).isEqualTo("bridge.dead-letters[0]@7 key=k {\"error\":\"x\"}");
    }

    @Test
    void printsEveryRecordOfTheMatchingTopicsFromTheBeginningUntilStopped() throws Exception {
        send(new ProducerRecord<>("tail.a", "k1", "first"));
        ProducerRecord<String, String> withHeader = new ProducerRecord<>("tail.b", null, "second");
        withHeader.headers().add("source", "test".getBytes(StandardCharsets.UTF_8));
        send(withHeader);
        send(new ProducerRecord<>("other", "k3", "not matched"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        Thread tail = new Thread(() -> KafkaTail.run(kafka.bootstrapServers(), "tail\\..*", out, stop), "tail-test");
        tail.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> bytes.toString(StandardCharsets.UTF_8).lines().count() >= 3);
        } finally {
            stop.set(true);
            tail.join(10_000);
        }

        assertThat(tail.isAlive()).as("the tail ends once stopped").isFalse();
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("camel-mqtt-bridge: reading tail\\..* from " + kafka.bootstrapServers() + " (Ctrl-C stops)");
        // the two topics' records may come in either order
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder("tail.a[0]@0 key=k1 first",
                "tail.b[0]@0 key=null headers={source=test} second");
    }

    private static void send(ProducerRecord<String, String> record) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            producer.send(record).get();
        }
    }
}
