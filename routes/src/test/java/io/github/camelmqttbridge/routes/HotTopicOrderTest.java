package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelmqttbridge.component.MqttBridgeConsumer;
import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's proof of ordered pipelining: one MQTT topic, many messages, through the unchanged mqtt-to-kafka.yaml with
 * the real mqtt-bridge consumer (default options: ordering=pipelined) into a real KRaft Kafka, whose producer is
 * asynchronous. Read back from Kafka per partition and key, the records must hold every message in publish order: no
 * message overtakes an earlier one. Duplicates are allowed only after a failed exchange (at-least-once; none is
 * expected here). And pipelining must have happened: more than one exchange of the one topic in the route at once.
 * <p>
 * 20,000 messages in the normal build (about a minute on the 2-core machine under load; the three jq steps of the
 * route cost most of it), the 100,000 with {@code -Dreliability.soak=true}; {@code -Dhot.messages=N} sets any
 * number. A Mosquitto of its own with no queue limit: the shared broker's default {@code max_queued_messages 1000}
 * would drop messages of a burst this size.
 */
@EnabledIf("io.github.camelmqttbridge.routes.BridgeRoutes#componentPresent")
class HotTopicOrderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MESSAGES = Integer.getInteger("hot.messages",
            Boolean.getBoolean("reliability.soak") ? 100_000 : 20_000);
    private static final int PUBLISH_WINDOW = 500;
    private static EmbeddedKafka kafka;
    private static MosquittoBroker mosquitto;
    private static ResourceLeakDetector.Level leakDetection;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        // The build runs tests with paranoid leak detection (a stack trace per buffer): right for the engine's tests,
        // but here it would cost more than the bridge. This test is about order at volume.
        leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        // Kafka's default flush policy, not an fsync per record: 100,000 fsyncs would measure the disk, not the order
        kafka = EmbeddedKafka.start(false);
        mosquitto = MosquittoBroker.builder().extraConfig("max_queued_messages 0\nmax_inflight_messages 1000\n").start();
    }

    @AfterAll
    static void stop() {
        ResourceLeakDetector.setLevel(leakDetection);
        if (kafka != null) {
            kafka.close();
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void oneTopicReachesKafkaInPublishOrderWithSeveralMessagesInFlight() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String root = "hot-" + id;
        String prefix = "t" + id + ".";
        try (BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", mosquitto.tcpUrl(),
                "mqtt.clientId", "bridge-" + id,
                "mqtt.sensors.filter", root + "/+/+",
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic.prefix", prefix,
                "kafka.dlq.topic", prefix + "dlq",
                "bridge.state.dir", dir.resolve("state").toString()),
                "mqtt-to-kafka.yaml").start()) {
            var context = routes.context();
            AtomicInteger mostInRoute = new AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    mostInRoute.accumulateAndGet(context.getInflightRepository().size("mqtt-to-kafka"), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "in-route-sampler");
            sampler.setDaemon(true);
            sampler.start();
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpuAtStart = os.getProcessCpuTime();
            long start = System.nanoTime();
            publish(root + "/dev-0/seq", MESSAGES);
            MqttBridgeConsumer consumer = (MqttBridgeConsumer) context.getRoute("mqtt-to-kafka").getConsumer();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (consumer.getAcknowledged() < MESSAGES && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            sampler.interrupt();
            // for the CI log: this JVM holds the route, Kafka and the publisher; Mosquitto is a process of its own
            System.out.printf(java.util.Locale.ROOT, "HOT-TOPIC %,d messages on one topic acknowledged in %.1f s, "
                    + "%.1f s CPU of the test JVM, at most %d exchanges in the route at once%n", consumer.getAcknowledged(),
                    (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpuAtStart) / 1e9, mostInRoute.get());

            List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "seq", MESSAGES, Duration.ofMinutes(2));

            // per partition and key, in offset order: every number, first arrivals in publish order
            Map<String, List<Integer>> byKey = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                byKey.computeIfAbsent(r.partition() + "/" + r.key(), k -> new ArrayList<>())
                        .add(MAPPER.readTree(r.value()).get("ts").asInt());
            }
            assertThat(byKey).as("one MQTT topic, one device: one key").containsOnlyKeys("0/dev-0");
            List<Integer> sequence = byKey.get("0/dev-0");
            Set<Integer> seen = new HashSet<>();
            int expectedNext = 0;
            int duplicates = 0;
            for (int n : sequence) {
                if (!seen.add(n)) {
                    duplicates++;
                    continue;
                }
                assertThat(n).as("first arrival after %d in order", expectedNext).isEqualTo(expectedNext);
                expectedNext++;
            }
            assertThat(expectedNext).as("every message in Kafka").isEqualTo(MESSAGES);
            if (consumer.getFailed() == 0) {
                assertThat(duplicates).as("duplicates without a failed exchange").isZero();
            }
            assertThat(mostInRoute.get()).as("exchanges of the one topic in the route at once (pipelining)")
                    .isGreaterThan(1);
        }
    }

    /** Our engine publishes 0..n-1 (QoS 1, a bounded window) as the route's sensor payload with the number as ts. */
    private static void publish(String topic, int n) throws Exception {
        MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(mosquitto.tcpUrl())
                .clientId("pub-" + UUID.randomUUID().toString().substring(0, 8)).maxInflight(PUBLISH_WINDOW).build());
        publisher.connect().get(10, TimeUnit.SECONDS);
        try {
            Semaphore window = new Semaphore(PUBLISH_WINDOW);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int i = 0; i < n && failure.get() == null; i++) {
                window.acquire();
                byte[] payload = ("{\"value\":" + (i % 100) + ",\"unit\":\"n\",\"ts\":" + i + "}")
                        .getBytes(StandardCharsets.UTF_8);
                publisher.publish(OutboundMessage.of(topic, payload, 1)).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    window.release();
                });
            }
            assertThat(window.tryAcquire(PUBLISH_WINDOW, 2, TimeUnit.MINUTES)).as("every publish confirmed").isTrue();
            assertThat(failure.get()).isNull();
        } finally {
            publisher.close();
        }
    }
}
