package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** 1 and 2 mqtt-bridge instances on one {@code $share/} subscription: total rate, and every message in Kafka once. */
public final class ScaleOutScenario implements Scenario {

    private static final String GROUP = "bench";

    @Override
    public String name() {
        return "scale-out";
    }

    @Override
    public String title() {
        return "Scale-out: 1 and 2 bridge instances on one $share/ subscription";
    }

    @Override
    public Result run(Config config) {
        Result result = Result.of(String.format(Locale.ROOT, """
                K = 1 or 2 bridges (the route of the bridge scenario, mqtt-bridge, QoS 1, each its own CamelContext and \
                MQTT client, `sharedSubscriptionGroup=%s`, i.e. `$share/%s/bench/e2e/<run>/+/+`) in this JVM, all writing \
                to one Kafka topic; our engine publishes N = %,d messages over %d topics, window W = %d. Rate = N / \
                (first publish → last Kafka ack). Afterwards the Kafka topic is read from the beginning to its end \
                offset: *lost* = sequence numbers missing, *dup* = records beyond one per sequence number. Each figure: \
                R = %d runs after one unmeasured warm-up of max(N/10, 20,000) messages. The instances share this machine's 2 cores with the \
                broker, Kafka and the publisher, so the second instance adds no CPU: the figure shows that sharing \
                works and what it costs, not how it scales on more machines.""", GROUP, GROUP, config.bridgeMessages(),
                BridgeRun.TOPICS, config.window(), config.repeats()));
        for (int k : new int[] {1, 2}) {
            String group = "QoS 1 → Kafka, " + k + " instance" + (k > 1 ? "s" : "") + " on $share/" + GROUP;
            config.progress().say("-- scale-out, " + group);
            BridgeRun.run(config, Variant.OURS, 1, config.warmupMessages(), k, GROUP, group + " warm-up");
            List<Double> rates = new ArrayList<>();
            long lostMax = 0;
            long dupMax = 0;
            List<String> shares = new ArrayList<>();
            for (int r = 0; r < config.repeats(); r++) {
                BridgeRun.Outcome o = BridgeRun.run(config, Variant.OURS, 1, config.bridgeMessages(), k, GROUP,
                        group + " run " + (r + 1) + "/" + config.repeats());
                long[] check = checkKafka(o.kafkaTopic(), config.bridgeMessages());
                lostMax = Math.max(lostMax, check[0]);
                dupMax = Math.max(dupMax, check[1]);
                if (check[0] > 0 || check[1] > 0) {
                    result.problem(String.format(Locale.ROOT, "%s, run %d: in Kafka %,d lost, %,d duplicated (of %,d)",
                            group, r + 1, check[0], check[1], config.bridgeMessages()));
                }
                if (o.finished()) {
                    rates.add(o.rate());
                    if (k > 1) {
                        shares.add(java.util.Arrays.toString(o.perInstance()));
                    }
                } else {
                    result.problem(group + ", run " + (r + 1) + ": " + o.error());
                }
            }
            result.add(new Figure(group, "mqtt-bridge ×" + k, "msg/s", rates.isEmpty() ? null : Stats.of(rates), true,
                    k == 1, "Kafka check: lost " + lostMax + ", dup " + dupMax + " (worst run)"
                            + (shares.isEmpty() ? "" : "; messages per instance " + String.join(", ", shares))));
        }
        return result;
    }

    /** Reads the topic to its end offset: {lost, duplicated} by sequence number. */
    static long[] checkKafka(String topic, int n) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BenchKafka.get().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        BitSet seen = new BitSet(n);
        long records = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    int seq = (int) ByteBuffer.wrap(rec.value()).getLong(0);
                    if (seq >= 0 && seq < n) {
                        seen.set(seq);
                    }
                }
            }
        }
        long distinct = seen.cardinality();
        return new long[] {n - distinct, records - distinct};
    }
}
