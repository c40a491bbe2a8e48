package io.github.camelmqttbridge.benchmarks.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The one Kafka of a benchmark run: a single-node KRaft broker (combined broker + controller) in this JVM, built
 * like the project's {@code EmbeddedKafka} (Kafka's {@code KafkaClusterTestKit}, replication 1) but with Kafka's
 * default flush policy: {@code EmbeddedKafka} sets {@code log.flush.interval.messages=1} (an fsync per append),
 * a durability setting of the tests that no production Kafka uses and that would make every {@code acks=all}
 * round trip wait for the disk. Started on first use, stopped when the JVM exits; shared by the limits, bridge,
 * memory and scale-out scenarios, so their figures are measured against the same broker.
 */
public final class BenchKafka {

    private static BenchKafka instance;

    private final KafkaClusterTestKit cluster;

    private BenchKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static synchronized BenchKafka get() {
        if (instance == null) {
            long start = System.nanoTime();
            try {
                KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "true")
                        .setConfigProp("num.partitions", "1")
                        .setDeleteOnClose(true)
                        .build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                instance = new BenchKafka(cluster);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-process Kafka: " + e, e);
            }
            BenchKafka started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.cluster.close();
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }, "stop-bench-kafka"));
            System.out.printf("  Kafka (in-process KRaft, 1 node) ready at %s in %.1f s%n", started.bootstrapServers(),
                    (System.nanoTime() - start) / 1e9);
        }
        return instance;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Topics of one partition, replication 1. */
    public void createTopics(String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }
}
