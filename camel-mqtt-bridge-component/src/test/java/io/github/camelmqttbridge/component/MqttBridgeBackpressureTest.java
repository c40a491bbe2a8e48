package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.testsupport.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure through a broker that honours our Receive Maximum (HiveMQ CE; Mosquitto 2.0.11 overshoots it). The
 * broker runs in a child JVM so that this JVM's heap is the consumer's alone: a backlog of 2,000 messages of 8 KiB
 * (16 MiB) waits in the broker while a slow route works through it ten at a time.
 */
class MqttBridgeBackpressureTest {

    private static final int MESSAGES = 2000;
    private static final int PAYLOAD_BYTES = 8 * 1024;
    private static final int RECEIVE_MAXIMUM = 10;
    /** 16 MiB of backlog; what our heap may differ by between 25 % and 90 % of the run. */
    private static final long HEAP_BOUND_BYTES = 4L * 1024 * 1024;

    @TempDir
    Path dir;
    private Process hivemq;
    private String url;
    private CamelContext context;

    @BeforeEach
    void startHiveMq() throws Exception {
        int port = FreePorts.find();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        hivemq = new ProcessBuilder(javaBin.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                HiveMqChild.class.getName(), Integer.toString(port), dir.resolve("hivemq").toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(hivemq.getInputStream(), StandardCharsets.UTF_8));
        Path log = dir.resolve("hivemq.out");
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        ready.countDown();
                    }
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (java.io.IOException ignored) {
                // child gone
            }
        }, "hivemq-child-output");
        pump.setDaemon(true);
        pump.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .failFast(() -> !hivemq.isAlive())
                .until(() -> ready.getCount() == 0);
        url = "tcp://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        if (context != null) {
            context.stop();
        }
        if (hivemq != null) {
            hivemq.getOutputStream().close();
            if (!hivemq.waitFor(20, TimeUnit.SECONDS)) {
                hivemq.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void slowRouteKeepsTheBacklogInTheBrokerAndAtMostReceiveMaximumInFlight() throws Exception {
        String topic = "bp/" + System.nanoTime();
        AtomicInteger maxInflightSeen = new AtomicInteger();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        AtomicInteger processed = new AtomicInteger();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic + "?brokerUrl=" + url + "&qos=1&receiveMaximum=" + RECEIVE_MAXIMUM
                        + "&clientId=bp-consumer&cleanStart=false&sessionExpiryInterval=300"
                        + "&parallelProcessing=true&poolSize=" + (2 * RECEIVE_MAXIMUM))
                        .routeId("slow")
                        .process(e -> {
                            MqttBridgeConsumer consumer = (MqttBridgeConsumer) e.getContext().getRoute("slow").getConsumer();
                            int now = active.incrementAndGet();
                            maxActive.accumulateAndGet(now, Math::max);
                            maxInflightSeen.accumulateAndGet(consumer.getInflight(), Math::max);
                            try {
                                Thread.sleep(20); // the slow sink
                                seen.add(ByteBuffer.wrap(e.getIn().getBody(byte[].class)).getInt());
                            } finally {
                                active.decrementAndGet();
                            }
                            processed.incrementAndGet();
                        });
            }
        });
        context.start();
        // The session (with its subscription) stays in the broker while the consumer is away.
        context.getRouteController().stopRoute("slow");

        try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUris(url).clientId("bp-publisher")
                .build())) {
            publisher.connect().get(10, TimeUnit.SECONDS);
            List<CompletableFuture<PublishResult>> confirmations = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                byte[] payload = new byte[PAYLOAD_BYTES];
                ByteBuffer.wrap(payload).putInt(i);
                confirmations.add(publisher.publish(OutboundMessage.of(topic, payload, 1)));
            }
            CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        context.getRouteController().startRoute("slow");
        MqttBridgeConsumer consumer = (MqttBridgeConsumer) context.getRoute("slow").getConsumer();
        await().atMost(Duration.ofSeconds(120)).until(() -> processed.get() >= MESSAGES / 4);
        long heapAtQuarter = usedHeapAfterGc();
        int processedAtQuarter = processed.get();
        await().atMost(Duration.ofSeconds(120)).until(() -> processed.get() >= MESSAGES * 9 / 10);
        long heapAtNinetyPercent = usedHeapAfterGc();
        int processedAtNinety = processed.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == MESSAGES);
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getAcknowledged() == MESSAGES);

        String report = "heap after GC at " + processedAtQuarter + " processed: " + heapAtQuarter / 1024 + " KiB, at "
                + processedAtNinety + ": " + heapAtNinetyPercent / 1024 + " KiB; max in flight seen " + maxInflightSeen
                + ", max concurrent exchanges " + maxActive;
        System.out.println(report);
        assertThat(seen).as("every message arrived").hasSize(MESSAGES);
        assertThat(consumer.getReceived()).as("no message twice").isEqualTo(MESSAGES);
        assertThat(maxInflightSeen.get()).as(report).isBetween(2, RECEIVE_MAXIMUM);
        assertThat(maxActive.get()).as(report).isLessThanOrEqualTo(RECEIVE_MAXIMUM);
        assertThat(consumer.getClient().metrics().receiveMaximumExceeded()).as("the broker never overshot").isZero();
        assertThat(Math.abs(heapAtNinetyPercent - heapAtQuarter)).as(report).isLessThan(HEAP_BOUND_BYTES);
    }
}
