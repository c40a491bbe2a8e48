package io.github.camelmqttbridge.runner;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
final class KafkaTail {

    private KafkaTail() {
    }

    static void run(String bootstrap, String topic, PrintStream out, AtomicBoolean stop) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "camel-mqtt-bridge-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            if (topic.matches("[A-Za-z0-9._-]+")) {
                consumer.subscribe(List.of(topic));
            } else {
                consumer.subscribe(Pattern.compile(topic));
            }
            out.println("camel-mqtt-bridge: reading " + topic + " from " + bootstrap + " (Ctrl-C stops)");
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(format(record));
                }
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
        line.append(' ').append(record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8));
        return line.toString();
    }
}
