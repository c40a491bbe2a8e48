package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;

/**
 * The one Kafka of a benchmark run: the project's {@link EmbeddedKafka} (single-node KRaft in this JVM) with Kafka's
 * default flush policy instead of the tests' fsync per append, which no production Kafka uses and which would make
 * every {@code acks=all} round trip wait for the disk. Started on first use, stopped when the JVM exits; shared by
 * the limits, bridge, memory and scale-out scenarios, so their figures are measured against the same broker.
 */
public final class BenchKafka {

    private static BenchKafka instance;

    private final EmbeddedKafka kafka;

    private BenchKafka(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    public static synchronized BenchKafka get() {
        if (instance == null) {
            long start = System.nanoTime();
            EmbeddedKafka kafka = EmbeddedKafka.start(false);
            instance = new BenchKafka(kafka);
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "stop-bench-kafka"));
            System.out.printf("  Kafka (in-process KRaft, 1 node) ready at %s in %.1f s%n", kafka.bootstrapServers(),
                    (System.nanoTime() - start) / 1e9);
        }
        return instance;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Topics of one partition, replication 1. */
    public void createTopics(String... topics) {
        kafka.createTopics(topics);
    }
}
