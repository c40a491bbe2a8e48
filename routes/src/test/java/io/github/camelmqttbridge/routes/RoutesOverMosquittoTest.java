package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route files unchanged with the real mqtt-bridge component against the shared Mosquitto at
 * 127.0.0.1:1883 (unique topics and client ids per test) and a real KRaft Kafka. Runs once the component is
 * on the classpath (merged from its branch); skipped before.
 */
@EnabledIf("io.github.camelmqttbridge.routes.BridgeRoutes#componentPresent")
class RoutesOverMosquittoTest {

    private static final String MOSQUITTO = "tcp://127.0.0.1:1883";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void mqttToKafkaAndToFileEndToEnd() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String root = "it-" + id;
        try (BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.sensors.filter", root + "/sensors/+/+",
                "mqtt.file.filter", root + "/#",
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic.prefix", "t" + id + ".sensors.",
                "kafka.dlq.topic", "t" + id + ".dlq",
                "bridge.out.dir", dir.resolve("out").toString(),
                "bridge.state.dir", dir.resolve("state").toString()),
                "mqtt-to-kafka.yaml", "mqtt-to-file.yaml").start()) {
            publish(root + "/sensors/dev-1/temp", "{\"value\":21.5}".getBytes(StandardCharsets.UTF_8), "site", "lab");
            publish(root + "/sensors/dev-1/temp", "poison{".getBytes(StandardCharsets.UTF_8), null, null);
            publish(root + "/sensors/dev-1/temp", "22".getBytes(StandardCharsets.UTF_8), null, null);

            List<ConsumerRecord<String, byte[]>> records = kafka.read("t" + id + ".sensors.temp", 2, Duration.ofSeconds(30));
            assertThat(records).extracting(ConsumerRecord::key).containsExactly("dev-1", "dev-1");
            assertThat(new String(records.get(0).headers().lastHeader("site").value(), StandardCharsets.UTF_8)).isEqualTo("lab");
            assertThat(MAPPER.readTree(records.get(1).value()).get("value").asInt()).isEqualTo(22);
            List<ConsumerRecord<String, byte[]>> dead = kafka.read("t" + id + ".dlq", 1, Duration.ofSeconds(30));
            assertThat(dead).hasSize(1);

            Path file = dir.resolve("out/" + root + "/sensors/dev-1/temp/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 3);
            JsonNode first = MAPPER.readTree(Files.readAllLines(file).get(0));
            assertThat(first.get("userProperties").get("site").asText()).isEqualTo("lab");
        }
    }

    @Test
    void kafkaToMqttDeliversACommandToTheDeviceTopic() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String device = "dev-" + id;
        String commands = "t" + id + ".commands";
        kafka.createTopics(commands);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        // Our own engine as the subscriber: Paho v5 1.2.5's subscribe(String, int) recurses forever.
        io.github.camelmqttbridge.mqtt.client.MqttClient subscriber = new io.github.camelmqttbridge.mqtt.client.MqttClient(
                io.github.camelmqttbridge.mqtt.options.MqttClientOptions.builder().serverUri(MOSQUITTO).clientId("sub-" + id)
                        .ackMode(io.github.camelmqttbridge.mqtt.message.AckMode.AUTO).build());
        var subscribed = subscriber.subscribe("devices/" + device + "/commands", 1,
                message -> received.add(message.topic() + " " + new String(message.payload(), StandardCharsets.UTF_8)));
        subscriber.connect().get(10, TimeUnit.SECONDS);
        subscribed.get(10, TimeUnit.SECONDS);
        try (BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.commands.topic", commands,
                "kafka.commands.groupId", "g" + id,
                "kafka.dlq.topic", "t" + id + ".dlq"), "kafka-to-mqtt.yaml").start()) {
            kafka.send(commands, device, "reboot".getBytes(StandardCharsets.UTF_8));
            assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo("devices/" + device + "/commands reboot");
            await().atMost(Duration.ofSeconds(15)).until(() -> kafka.committedOffset("g" + id, commands) == 1);
        } finally {
            subscriber.close();
        }
    }

    @Test
    void mqttToHttpEndToEndRetriesA5xxAndDeadLettersWhatIsNotJson() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String root = "it-" + id;
        java.util.Queue<String> bodies = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.Queue<String> topics = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean fail = calls.incrementAndGet() == 1; // the first call fails: the route must retry
            if (!fail) {
                bodies.add(new String(body, StandardCharsets.UTF_8));
                topics.add(exchange.getRequestHeaders().getFirst("X-Mqtt-Topic"));
            }
            exchange.sendResponseHeaders(fail ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        Path dlq = dir.resolve("dlq");
        try (BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.http.filter", root + "/alerts/#",
                "http.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "http.retries", "3",
                "http.retry.delay", "50",
                "http.retry.maxDelay", "200",
                "bridge.dlq.dir", dlq.toString(),
                "bridge.state.dir", dir.resolve("state").toString()),
                "mqtt-to-http.yaml").start()) {
            publish(root + "/alerts/dev-9/overheat", "{\"level\":\"high\"}".getBytes(StandardCharsets.UTF_8), null, null);
            publish(root + "/alerts/dev-9/overheat", "not json".getBytes(StandardCharsets.UTF_8), null, null);
            publish(root + "/alerts/dev-9/overheat", "{\"level\":\"low\"}".getBytes(StandardCharsets.UTF_8), null, null);

            await().atMost(Duration.ofSeconds(30)).until(() -> bodies.size() == 2);
            assertThat(bodies).extracting(b -> MAPPER.readTree(b).get("level").asText()).containsExactly("high", "low");
            assertThat(topics).containsOnly(root + "/alerts/dev-9/overheat");
            Path dead = dlq.resolve("mqtt-to-http-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dead) && Files.readAllLines(dead).size() == 1);
            assertThat(Files.readAllLines(dead).get(0)).contains(java.util.Base64.getEncoder()
                    .encodeToString("not json".getBytes(StandardCharsets.UTF_8)));
        } finally {
            server.stop(0);
        }
    }

    private static void publish(String topic, byte[] payload, String property, String value) throws Exception {
        MqttClient client = new MqttClient(MOSQUITTO, "pub-" + UUID.randomUUID(), new MemoryPersistence());
        client.connect(new MqttConnectionOptions());
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        if (property != null) {
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty(property, value)));
            message.setProperties(properties);
        }
        client.publish(topic, message);
        client.disconnect();
        client.close();
    }
}
