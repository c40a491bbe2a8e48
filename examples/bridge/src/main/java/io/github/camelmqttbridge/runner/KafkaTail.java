package io.github.camelmqttbridge.runner;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code --tail-kafka <topic|regex>}: prints the records of a Kafka topic from the beginning and then as they
 * arrive, one line each ({@code topic[partition]@offset key=... headers={...} value}), until stopped. A stand-in
 * for kafka-console-consumer so a first-time user can watch the embedded default without a Kafka installation.
 * A topic name with regular expression characters ({@code sensors\..*}) subscribes to every matching topic.
 *
 * <p>Public for the reliability tests, which follow topics the same way: {@link #consumerFromBeginning} and
 * {@link #follow}.
 */
public final class KafkaTail {

    private KafkaTail() {
    }

    static void run(String bootstrap, String topic, PrintStream out, AtomicBoolean stop) {
        // a short metadata age so that a regex picks up topics created while tailing
        try (KafkaConsumer<String, byte[]> consumer = consumerFromBeginning(bootstrap, "camel-mqtt-bridge-tail-",
                Map.of(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000"))) {
            if (topic.matches("[A-Za-z0-9._-]+")) {
                consumer.subscribe(List.of(topic));
            } else {
                consumer.subscribe(Pattern.compile(topic));
            }
            out.println("camel-mqtt-bridge: reading " + topic + " from " + bootstrap + " (Ctrl-C stops)");
            follow(consumer, Duration.ofMillis(500), stop::get, record -> out.println(format(record)));
        }
    }

    /**
     * A consumer of string keys and byte values in a consumer group of its own ({@code groupPrefix} and a random
     * UUID) that starts at the earliest offset and commits nothing: it reads from the beginning and leaves no
     * trace in anyone's offsets. {@code settings} adds or overrides consumer properties.
     */
    public static KafkaConsumer<String, byte[]> consumerFromBeginning(String bootstrap, String groupPrefix,
            Map<String, String> settings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putAll(settings);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Polls the subscribed {@code consumer} and hands every record to {@code onRecord} until {@code stopped}
     * says so; {@code pollTimeout} bounds how long a stop may go unnoticed. Exceptions of the consumer end it.
     */
    public static void follow(KafkaConsumer<String, byte[]> consumer, Duration pollTimeout, BooleanSupplier stopped,
            Consumer<ConsumerRecord<String, byte[]>> onRecord) {
        while (!stopped.getAsBoolean()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                onRecord.accept(record);
            }
        }
    }

    static String format(ConsumerRecord<String, byte[]> record) {
        StringBuilder line = new StringBuilder()
                .append(record.topic()).append('[').append(record.partition()).append("]@").append(record.offset())
                .append(" key=").append(record.key());
        StringBuilder headers = new StringBuilder();
        for (Header header : record.headers()) {
            if (!headers.isEmpty()) {
                headers.append(", ");
            }
            headers.append(header.key()).append('=')
                    .append(header.value() == null ? "null" : new String(header.value(), StandardCharsets.UTF_8));
        }
        if (!headers.isEmpty()) {
            line.append(" headers={").append(headers).append('}');
        }
        // a dead letter record is a JSON line with its own newline: one line per record here too
        line.append(' ').append(record.value() == null ? "null"
                : new String(record.value(), StandardCharsets.UTF_8).stripTrailing());
        return line.toString();
    }
}
