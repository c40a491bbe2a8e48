package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.camelmqttbridge.component.MqttBridgeConsumer;
import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Untrusted input never steers a route: MQTT 5 user properties set by a publisher and Kafka record headers set by a
 * record's producer, named like the headers Camel's components act on, change nothing — through the shipped route
 * files (unchanged, real mqtt-bridge component, the shared Mosquitto, a real KRaft Kafka, JDK HTTP servers) and
 * through plain {@code http:} and {@code kafka:} producers. ({@code file:} and {@code mqtt-bridge:} producers:
 * the component's MqttBridgeHeaderPolicyTest.)
 */
@EnabledIf("io.github.camelmqttbridge.routes.BridgeRoutes#componentPresent")
class HostileHeadersTest {

    private static final String MOSQUITTO = "tcp://127.0.0.1:1883";
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private HttpServer hook;
    private HttpServer stolen;
    private final Queue<String> hookPaths = new ConcurrentLinkedQueue<>();
    private final Queue<Map<String, String>> hookHeaders = new ConcurrentLinkedQueue<>();
    private final Queue<String> stolenPaths = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void startServers() throws Exception {
        hook = server(hookPaths, hookHeaders);
        stolen = server(stolenPaths, new ConcurrentLinkedQueue<>());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        hook.stop(0);
        stolen.stop(0);
    }

    /**
     * Records every request's path. Answers 200 with response headers named like control headers, too: a webhook's
     * answer is untrusted as well, and the route must not act on it.
     */
    private static HttpServer server(Queue<String> paths, Queue<Map<String, String>> headers) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            paths.add(exchange.getRequestURI().getRawPath());
            Map<String, String> h = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), String.join(",", v)));
            headers.add(h);
            exchange.getResponseHeaders().add("CAMELMqttBridgeOverrideTopic", "stolen/response");
            exchange.getResponseHeaders().add("CAMELHttpUri", "http://127.0.0.1:1/stolen");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server, String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Names Camel's components act on, as a publisher would set them; case and folded spellings included. */
    private Map<String, String> hostileUserProperties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CamelHttpUri", url(stolen, "/stolen"));
        m.put("CamelHttpPath", "/../admin");
        m.put("CAMELHttpUri", url(stolen, "/stolen-upper"));
        m.put("CamelHttpQuery", "stolen=1");
        m.put("CamelHttpMethod", "DELETE");
        m.put("Authorization", "Bearer stolen");
        m.put("Host", "stolen.example");
        m.put("kafka.OVERRIDE_TOPIC", "t" + id + ".stolen");
        m.put("kafka.KEY", "stolen");
        m.put("kafka.PARTITION_KEY", "7");
        m.put("kafka.OVERRIDE_TIMESTAMP", "1");
        m.put("KAFKA.OVERRIDE_TOPIC", "t" + id + ".stolen-upper");
        m.put("CamelMqttBridgeOverrideTopic", "stolen/" + id);
        m.put("CamelFileName", "stolen.txt");
        m.put("site", "lab");
        return m;
    }

    private MqttClient mqttClient(String clientId) throws Exception {
        MqttClient c = new MqttClient(MqttClientOptions.builder().serverUri(MOSQUITTO).clientId(clientId)
                .ackMode(AckMode.AUTO).build());
        closeables.add(c);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private void publish(String topic, String payload, Map<String, String> userProperties) throws Exception {
        MessageProperties.Builder p = MessageProperties.builder();
        userProperties.forEach(p::userProperty);
        mqttClient("pub-" + UUID.randomUUID()).publish(new OutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8),
                1, false, p.build())).get(10, TimeUnit.SECONDS);
    }

    private BridgeRoutes routes(Map<String, String> properties, String... files) throws Exception {
        BridgeRoutes routes = new BridgeRoutes(properties, files).start();
        closeables.add(routes);
        return routes;
    }

    /** The issue's reproduction: CamelHttpUri / CamelHttpPath from a device redirected the webhook call. */
    @Test
    void mqttToHttpPostsToTheConfiguredWebhookWhateverThePublisherSets() throws Exception {
        String root = "it-" + id;
        BridgeRoutes routes = routes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.http.filter", root + "/alerts/#",
                "http.url", url(hook, "/hook"),
                "http.retries", "1",
                "http.retry.delay", "50",
                "bridge.dlq.dir", dir.resolve("dlq").toString(),
                "bridge.state.dir", dir.resolve("state").toString()), "mqtt-to-http.yaml");
        publish(root + "/alerts/dev1/fire", "{\"level\":\"high\"}", hostileUserProperties());
        publish(root + "/alerts/dev1/fire", "{\"level\":\"low\"}", Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> hookPaths.size() == 2);
        assertThat(hookPaths).containsOnly("/hook");
        Map<String, String> first = hookHeaders.peek();
        assertThat(first.get("authorization")).isNull();
        assertThat(first.get("host")).doesNotContain("stolen");
        // what the publisher sent is data, under our own prefix
        assertThat(first.get("x-mqtt-property-camelhttpuri")).startsWith(url(stolen, "/stolen"));
        assertThat(first.get("x-mqtt-property-site")).isEqualTo("lab");
        MqttBridgeConsumer consumer = (MqttBridgeConsumer) routes.context().getRoute("mqtt-to-http").getConsumer();
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.getAcknowledged() == 2);
        assertThat(consumer.getRedelivered()).isZero();
        assertThat(stolenPaths).isEmpty();
        assertThat(dir.resolve("dlq")).doesNotExist();
    }

    @Test
    void mqttToKafkaWritesTheConfiguredTopicKeyAndPartitionWhateverThePublisherSets() throws Exception {
        String root = "it-" + id;
        String prefix = "t" + id + ".sensors.";
        kafka.createTopics(prefix + "temp");
        routes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.sensors.filter", root + "/sensors/+/+",
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic.prefix", prefix,
                "kafka.dlq.topic", "t" + id + ".dlq",
                "bridge.state.dir", dir.resolve("state").toString()), "mqtt-to-kafka.yaml");
        long before = System.currentTimeMillis();
        publish(root + "/sensors/dev-1/temp", "{\"value\":21.5}", hostileUserProperties());
        publish(root + "/sensors/dev-1/temp", "{\"value\":22}", Map.of());

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "temp", 2, Duration.ofSeconds(30));
        assertThat(records).hasSize(2);
        ConsumerRecord<String, byte[]> first = records.get(0);
        assertThat(first.key()).isEqualTo("dev-1");
        assertThat(first.partition()).isZero();
        assertThat(first.timestamp()).isGreaterThanOrEqualTo(before - 60_000);
        assertThat(new String(first.headers().lastHeader("site").value(), StandardCharsets.UTF_8)).isEqualTo("lab");
        assertThat(kafka.topics()).noneMatch(t -> t.contains("stolen"));
    }

    /**
     * Kafka record headers named like the mqtt-bridge producer's control headers, in several spellings (camel-kafka 4.17
     * drops them by itself, matching the lower-cased name too; the route drops every record header on top).
     */
    @Test
    void kafkaToMqttPublishesToTheDeviceTopicWithQos1WhateverTheRecordHeadersSay() throws Exception {
        String device = "dev-" + id;
        String commands = "t" + id + ".commands";
        kafka.createTopics(commands);
        MqttClient subscriber = mqttClient("sub-" + id);
        List<InboundMessage> onDevice = new CopyOnWriteArrayList<>();
        List<InboundMessage> elsewhere = new CopyOnWriteArrayList<>();
        // QoS 2 and retain-as-published: what arrives shows the QoS and retain flag the bridge published with
        subscriber.subscribe(List.of(new Subscription("devices/" + device + "/commands", 2, false, true, 0, 0)),
                onDevice::add).get(10, TimeUnit.SECONDS);
        subscriber.subscribe(List.of(Subscription.of("stolen/" + id + "/#", 1)), elsewhere::add).get(10, TimeUnit.SECONDS);
        routes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.commands.topic", commands,
                "kafka.commands.groupId", "g" + id,
                "kafka.dlq.topic", "t" + id + ".dlq"), "kafka-to-mqtt.yaml");

        Map<String, String> headers = new LinkedHashMap<>();
        for (String spelling : List.of("CamelMqttBridge", "CAMELMqttBridge", "cAMELMQTTBRIDGE")) {
            headers.put(spelling + "OverrideTopic", "stolen/" + id + "/override");
            headers.put(spelling + "Topic", "stolen/" + id + "/topic");
            headers.put(spelling + "Qos", "0");
            headers.put(spelling + "Retained", "true");
            headers.put(spelling + "ResponseTopic", "stolen/" + id + "/replies");
            headers.put(spelling + "CorrelationData", "stolen");
            headers.put(spelling + "MessageExpiryInterval", "1");
            headers.put(spelling + "ContentType", "text/stolen");
            headers.put(spelling + "UserProperties", "stolen=1");
        }
        headers.put("CAMELKafkaManualCommit", "stolen");
        headers.put("KAFKA.KEY", "stolen");
        sendWithHeaders(commands, device, "reboot", headers);
        sendWithHeaders(commands, device, "second", Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> onDevice.size() == 2);
        InboundMessage first = onDevice.get(0);
        assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("reboot");
        assertThat(first.qos()).isEqualTo(1);
        assertThat(first.retain()).isFalse();
        assertThat(first.properties().responseTopic()).isNull();
        assertThat(first.properties().correlationData()).isNull();
        assertThat(first.properties().messageExpiryInterval()).isNull();
        assertThat(first.properties().contentType()).isNull();
        assertThat(first.properties().userProperties()).isEmpty();
        await().atMost(Duration.ofSeconds(15)).until(() -> kafka.committedOffset("g" + id, commands) == 2);
        assertThat(elsewhere).isEmpty();
    }

    private static void sendWithHeaders(String topic, String key, String value, Map<String, String> headers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8));
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plain http: and kafka: producers behind an mqtt-bridge consumer, at default options and with the opt-in. */
    @ParameterizedTest
    @ValueSource(strings = {"", "&userPropertiesAsHeaders=true"})
    void plainHttpAndKafkaProducersAreNotSteeredByUserProperties(String options) throws Exception {
        String topic = "t" + id + ".plain";
        kafka.createTopics(topic);
        DefaultCamelContext context = new DefaultCamelContext();
        closeables.add(context::stop);
        String root = "it-" + id + "/plain";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + root + "/http?brokerUrl=" + MOSQUITTO + "&qos=1" + options)
                        .to(url(hook, "/hook") + "?httpMethod=POST").to("mock:http");
                from("mqtt-bridge:" + root + "/kafka?brokerUrl=" + MOSQUITTO + "&qos=1" + options)
                        .to("kafka:" + topic + "?brokers=" + kafka.bootstrapServers() + "&requestRequiredAcks=all")
                        .to("mock:kafka");
            }
        });
        context.start();
        MockEndpoint http = context.getEndpoint("mock:http", MockEndpoint.class);
        MockEndpoint kafkaDone = context.getEndpoint("mock:kafka", MockEndpoint.class);
        http.expectedMessageCount(1);
        kafkaDone.expectedMessageCount(1);
        long before = System.currentTimeMillis();
        publish(root + "/http", "{}", hostileUserProperties());
        publish(root + "/kafka", "{}", hostileUserProperties());
        http.assertIsSatisfied(30_000);
        kafkaDone.assertIsSatisfied(30_000);

        assertThat(hookPaths).containsExactly("/hook");
        Map<String, String> headers = hookHeaders.peek();
        assertThat(headers.get("authorization")).isNull();
        assertThat(headers.get("host")).doesNotContain("stolen");
        assertThat(stolenPaths).isEmpty();
        List<ConsumerRecord<String, byte[]>> records = kafka.read(topic, 1, Duration.ofSeconds(30));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isNull();
            assertThat(r.partition()).isZero();
            assertThat(r.timestamp()).isGreaterThanOrEqualTo(before - 60_000);
        });
        assertThat(kafka.topics()).noneMatch(t -> t.contains("stolen"));
    }
}
