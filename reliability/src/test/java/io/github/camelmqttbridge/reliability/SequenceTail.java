package io.github.camelmqttbridge.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelmqttbridge.runner.KafkaTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows a Kafka topic from its beginning on a background thread (the runner's {@link KafkaTail}) and records,
 * for every record, the sequence number in its JSON value ({@code ts}) and when it arrived here; used for the time
 * to recover. The final count is taken by {@link #readAll}, a fresh consumer reading the topic from offset 0 to its
 * end.
 */
final class SequenceTail implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final String topic;
    private final Thread thread;
    private final BitSet seen = new BitSet();
    private final AtomicLong records = new AtomicLong();
    private volatile long lastArrivalNanos;
    private volatile long firstArrivalAfterMarkNanos;
    private volatile long markNanos = Long.MAX_VALUE;
    private volatile boolean running = true;

    SequenceTail(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.thread = new Thread(this::run, "kafka-tail-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(topic));
            while (running) {
                try {
                    KafkaTail.follow(consumer, Duration.ofMillis(200), () -> !running, this::arrived);
                } catch (org.apache.kafka.common.errors.InterruptException e) {
                    return;
                } catch (RuntimeException e) {
                    // Kafka down for a while: keep polling
                    BridgeProcess.sleep(200);
                }
            }
        }
    }

    private void arrived(ConsumerRecord<String, byte[]> record) {
        long now = System.nanoTime();
        int n = sequence(record.value());
        synchronized (seen) {
            if (n >= 0) {
                seen.set(n);
            }
        }
        records.incrementAndGet();
        lastArrivalNanos = now;
        if (now >= markNanos && firstArrivalAfterMarkNanos == 0) {
            firstArrivalAfterMarkNanos = now;
        }
    }

    /** From now on, remember when the next record arrives (see {@link #sinceMarkToFirstArrival}). */
    void mark() {
        firstArrivalAfterMarkNanos = 0;
        markNanos = System.nanoTime();
    }

    /** Time from {@link #mark()} to the first record that arrived after it, or null if none did yet. */
    Duration sinceMarkToFirstArrival() {
        long first = firstArrivalAfterMarkNanos;
        return first == 0 ? null : Duration.ofNanos(first - markNanos);
    }

    /** Waits for the first record after {@link #mark()}, at most {@code timeout}; returns the time from the mark. */
    Duration awaitFirstArrivalAfterMark(Duration timeout) {
        return awaitFirstArrivalAfterMark(timeout, Integer.MAX_VALUE);
    }

    /**
     * As {@link #awaitFirstArrivalAfterMark(Duration)}, but returns {@link Duration#ZERO} at once when all
     * {@code expected} numbers are already there (nothing left to recover).
     */
    Duration awaitFirstArrivalAfterMark(Duration timeout, int expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (firstArrivalAfterMarkNanos == 0 && System.nanoTime() < deadline) {
            if (distinct() >= expected) {
                return Duration.ZERO;
            }
            BridgeProcess.sleep(20);
        }
        return sinceMarkToFirstArrival();
    }

    int distinct() {
        synchronized (seen) {
            return seen.cardinality();
        }
    }

    long records() {
        return records.get();
    }

    /**
     * Waits until {@code expected} distinct numbers arrived, or nothing new arrived for {@code quiet} (after at
     * most {@code timeout}).
     */
    void awaitDistinct(int expected, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (distinct() < expected && System.nanoTime() < deadline) {
            long last = lastArrivalNanos;
            if (last != 0 && System.nanoTime() - last > quiet.toNanos()) {
                return;
            }
            BridgeProcess.sleep(100);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every sequence number in the topic (partition 0 .. n), read from offset 0 to the end by a fresh consumer. */
    static List<Integer> readAll(String bootstrap, String topic) {
        List<Integer> numbers = new ArrayList<>();
        for (byte[] value : readValues(bootstrap, topic)) {
            numbers.add(sequence(value));
        }
        return numbers;
    }

    /** Every record value in the topic, from offset 0 to the end offsets read at the start. */
    static List<byte[]> readValues(String bootstrap, String topic) {
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!done(consumer, end) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
            if (!done(consumer, end)) {
                throw new IllegalStateException("could not read " + topic + " to its end " + end);
            }
        }
        return values;
    }

    private static boolean done(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The {@code ts} field of a JSON record value; -1 if there is none. */
    static int sequence(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            JsonNode ts = node.get("ts");
            return ts == null || !ts.canConvertToInt() ? -1 : ts.asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    /** From the beginning, read_committed: a record of an aborted transaction does not count as arrived. */
    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        return KafkaTail.consumerFromBeginning(bootstrap, "reliability-",
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }
}
