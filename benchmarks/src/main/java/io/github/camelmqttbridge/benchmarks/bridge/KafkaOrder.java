package io.github.camelmqttbridge.benchmarks.bridge;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a run left in Kafka, read back from one offset of the one-partition topic to its end: per record key (the MQTT
 * topic), how many records have a lower sequence number (payload bytes 0-7) than an earlier record of the same key.
 * Repeated sequence numbers (duplicates) are left out of the order check and counted on their own.
 */
record KafkaOrder(long records, long inversions, long duplicates) {

    private static TopicPartition partition(String topic) {
        return new TopicPartition(topic, 0);
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BenchKafka.get().bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static long endOffset(String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            return c.endOffsets(List.of(partition(topic)), Duration.ofSeconds(30)).get(partition(topic));
        }
    }

    static KafkaOrder read(String topic, long from) {
        TopicPartition tp = partition(topic);
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            c.seek(tp, from);
            Map<String, Long> highest = new HashMap<>();
            Set<Long> seen = new HashSet<>();
            long records = 0;
            long inversions = 0;
            long duplicates = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    records++;
                    long seq = ByteBuffer.wrap(r.value()).getLong(0);
                    if (!seen.add(seq)) {
                        duplicates++;
                        continue;
                    }
                    Long high = highest.get(r.key());
                    if (high != null && seq < high) {
                        inversions++;
                    } else {
                        highest.put(r.key(), seq);
                    }
                }
            }
            return new KafkaOrder(records, inversions, duplicates);
        }
    }
}
