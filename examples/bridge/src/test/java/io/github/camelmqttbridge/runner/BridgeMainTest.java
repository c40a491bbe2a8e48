package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import io.github.camelmqttbridge.testsupport.MosquittoBroker;

class BridgeMainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    static boolean componentPresent() {
        return BridgeMainTest.class.getClassLoader()
                .getResource("META-INF/services/org/apache/camel/component/mqtt-bridge") != null;
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(BridgeMain.run(new String[] {"--help"}, out, err)).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("--routes", "--properties", "embedded");
    }

    @Test
    void anUnknownCommandLineOptionIsNamed() {
        assertThat(BridgeMain.run(new String[] {"--rotues", "x"}, out, err)).isEqualTo(2);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("unknown option '--rotues'");
    }

    @Test
    void aYamlErrorEndsWithOneLineNamingTheFileAndLine() {
        int code = BridgeMain.run(new String[] {"--routes", resource("bad-yaml"), "mqtt.url=tcp://127.0.0.1:1",
                "bridge.out.dir=" + dir, "bridge.data.dir=" + dir}, out, err);
        String error = errBytes.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isEqualTo(1);
        assertThat(error.lines().count()).isEqualTo(1);
        assertThat(error).contains("broken.yaml").containsPattern("line \\d+");
    }

    @Test
    void anUnknownEndpointOptionEndsWithOneLineNamingIt() {
        int code = BridgeMain.run(new String[] {"--routes", resource("bad-option"), "mqtt.url=tcp://127.0.0.1:1",
                "bridge.out.dir=" + dir, "bridge.data.dir=" + dir}, out, err);
        String error = errBytes.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isEqualTo(1);
        assertThat(error.lines().count()).isEqualTo(1);
        assertThat(error).contains("fileExists").contains("unknown-option");
    }

    /** Embedded default broker + a user's route folder with another MQTT component (no Kafka: none started). */
    @Test
    void startsTheEmbeddedBrokerAndBridgesAMessageFromARouteFolder() throws Exception {
        String topic = "it/" + UUID.randomUUID() + "/dev-1/temp";
        BridgeMain.BridgeOptions options = BridgeMain.BridgeOptions.parse(new String[] {
            "--routes", resource("paho-routes"), "--status-interval", "1",
            "test.topic=" + topic, "bridge.out.dir=" + dir, "bridge.data.dir=" + dir,
            "mqtt.clientId=runner-" + UUID.randomUUID()});
        try (BridgeRunner runner = BridgeRunner.start(options, out)) {
            assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("embedded MQTT 5 broker", runner.mqttUrl())
                    .doesNotContain("embedded Kafka").contains("on the topics of the routes above");
            publish(runner.mqttUrl(), topic, "{\"value\":21.5}");
            Path file = dir.resolve(topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
            assertThat(Files.readString(file)).contains("\"payload\":{\"value\":21.5}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outBytes.toString(StandardCharsets.UTF_8).contains("acked 1,"));
        }
    }

    /**
     * The README's embedded default, end to end: no arguments but the output folders, so both embedded brokers
     * start (HiveMQ CE, KRaft Kafka) and both default routes run; one reading arrives in Kafka and in the file,
     * a poison message is dead-lettered, and the status line counts both, with the consumers' reconnects.
     */
    @Test
    @EnabledIf("componentPresent")
    void embeddedDefaultBridgesAMessageToKafkaAndToAFile() throws Exception {
        String device = "dev-" + UUID.randomUUID();
        String topic = "sensors/" + device + "/temperature";
        BridgeMain.BridgeOptions options = BridgeMain.BridgeOptions.parse(new String[] {
            "--status-interval", "0", "bridge.out.dir=" + dir, "bridge.state.dir=" + dir.resolve("state")});
        try (BridgeRunner runner = BridgeRunner.start(options, out)) {
            String printed = outBytes.toString(StandardCharsets.UTF_8);
            assertThat(printed).contains("embedded MQTT 5 broker", "embedded Kafka", runner.mqttUrl(),
                    runner.kafkaBrokers(), "--tail-kafka", "mosquitto_pub", "ready in",
                    "dead letter topic bridge.dead-letters", "--tail-kafka bridge.dead-letters",
                    "state (MQTT sessions, embedded brokers' data): " + dir.resolve("state"));
            publish(runner.mqttUrl(), topic, "{\"value\":21.5,\"unit\":\"C\"}");
            publish(runner.mqttUrl(), "sensors/" + device + "/humidity", "not a reading");

            List<ConsumerRecord<String, String>> records = readKafka(runner.kafkaBrokers(), "sensors.temperature",
                    r -> device.equals(r.key()), Duration.ofSeconds(60));
            assertThat(records).hasSize(1);
            assertThat(records.get(0).value()).contains("\"value\":21.5", "\"device\":\"" + device + "\"");
            assertThat(readKafka(runner.kafkaBrokers(), "bridge.dead-letters",
                    r -> r.value().contains(device), Duration.ofSeconds(60))).hasSize(1);

            Path file = dir.resolve(topic + "/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file) && Files.size(file) > 0);
            assertThat(Files.readString(file)).contains("\"payload\":{\"value\":21.5,\"unit\":\"C\"}");

            StatusLine status = new StatusLine(runner.context());
            // two routes see two messages each: 4 acked, the poison one dead-lettered by the Kafka route
            await().atMost(Duration.ofSeconds(20)).until(() -> status.totals().out() == 4);
            assertThat(status.next()).contains("acked 4,", "dead-lettered 1,", "failed 0,", "reconnects 0");
        }
    }

    /** The "try it" line of a user's routes names a topic their first mqtt-bridge consumer reads. */
    @Test
    void theExampleTopicMatchesTheFirstMqttBridgeConsumersFilter() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:$share/g/plant/+/line/#,other?brokerUrl=tcp://127.0.0.1:1").autoStartup(false)
                            .log("x");
                }
            });
            context.start();
            assertThat(BridgeRunner.exampleTopic(context)).isEqualTo("plant/dev-1/line/test");
        }
    }

    @Test
    void anUnreachableBrokerEndsWithOneLineNamingTheUrl() throws Exception {
        int closed = Ports.anyFree();
        String url = "tcp://127.0.0.1:" + closed;
        int code = BridgeMain.run(new String[] {"--routes", "classpath:routes/mqtt-to-file.yaml", "mqtt.url=" + url,
            "bridge.out.dir=" + dir, "bridge.state.dir=" + dir.resolve("state")}, out, err);
        String error = errBytes.toString(StandardCharsets.UTF_8).strip();
        assertThat(code).isEqualTo(1);
        assertThat(error.lines().count()).as(error).isEqualTo(1);
        assertThat(error).contains(url).doesNotContain("\tat ");
    }

    @Test
    void aBadPasswordEndsWithOneLineSayingTheBrokerRefusedUs() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("alice", "secret")).start()) {
            int code = BridgeMain.run(new String[] {"--routes", "classpath:routes/mqtt-to-file.yaml",
                "mqtt.url=" + broker.tcpUrl(), "camel.component.mqtt-bridge.userName=alice",
                "camel.component.mqtt-bridge.password=wrong", "bridge.out.dir=" + dir,
                "bridge.state.dir=" + dir.resolve("state")}, out, err);
            String error = errBytes.toString(StandardCharsets.UTF_8).strip();
            assertThat(code).isEqualTo(1);
            assertThat(error.lines().count()).as(error).isEqualTo(1);
            assertThat(error).containsIgnoringCase("not authorized").contains(broker.tcpUrl())
                    .doesNotContain("secret", "wrong");
        }
    }

    @Test
    void aMissingPropertiesFileIsNamed() {
        assertThat(BridgeMain.run(new String[] {"--properties", dir.resolve("nope.properties").toString()}, out, err))
                .isEqualTo(2);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("nope.properties: no such file");
    }

    private static List<ConsumerRecord<String, String>> readKafka(String brokers, String topic,
            Predicate<ConsumerRecord<String, String>> wanted, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
            }
            // anything else for the same key right behind it would be a duplicate
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (wanted.test(r)) {
                    found.add(r);
                }
            });
        }
        return found;
    }

    private static void publish(String url, String topic, String payload) throws Exception {
        MqttClient client = new MqttClient(url, "pub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        client.publish(topic, message);
        client.disconnect();
        client.close();
    }

    private static String resource(String name) {
        try {
            return Path.of(BridgeMainTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
