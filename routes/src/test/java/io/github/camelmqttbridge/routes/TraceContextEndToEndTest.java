package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.camelmqttbridge.component.W3cTraceContext;
import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.opentelemetry.OpenTelemetryTracer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C trace context through the bridge, with Camel's OpenTelemetry tracer (camel-opentelemetry) and the SDK's
 * in-memory span exporter: a device publishes with an MQTT 5 {@code traceparent} user property; mqtt-to-kafka.yaml
 * and kafka-to-mqtt.yaml (the shipped files, unchanged) with an application route between them (Kafka sensor topic
 * -> Kafka command topic) carry it to the subscriber of the device's command topic. Against the shared Mosquitto and
 * a real KRaft Kafka.
 */
@EnabledIf("io.github.camelmqttbridge.routes.BridgeRoutes#componentPresent")
class TraceContextEndToEndTest {

    private static final String MOSQUITTO = "tcp://127.0.0.1:1883";
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String device = "dev-" + id;
    private final String traceId = hex(32);
    private final String deviceSpanId = hex(16);
    private final String deviceTraceparent = "00-" + traceId + "-" + deviceSpanId + "-01";
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        provider.close();
    }

    private static String hex(int length) {
        StringBuilder s = new StringBuilder(length);
        while (s.length() < length) {
            s.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return s.substring(0, length);
    }

    /** camel-opentelemetry's tracer on the SDK with the in-memory exporter, W3C propagation. */
    private void trace(CamelContext context) {
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setTracer(provider.get("camel-mqtt-bridge-test"));
        tracer.setContextPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
        tracer.init(context);
    }

    private MqttClient mqtt(String clientId, io.github.camelmqttbridge.mqtt.message.MqttVersion version) throws Exception {
        MqttClient c = new MqttClient(MqttClientOptions.builder().serverUris(MOSQUITTO).clientId(clientId)
                .version(version).ackMode(AckMode.AUTO).build());
        closeables.add(c);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    private BlockingQueue<InboundMessage> subscribe(String filter) throws Exception {
        BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
        mqtt("sub-" + UUID.randomUUID().toString().substring(0, 8), io.github.camelmqttbridge.mqtt.message.MqttVersion.V5)
                .subscribe(filter, 1, received::add).get(10, TimeUnit.SECONDS);
        return received;
    }

    private void publishFromDevice(String topic, String payload, String traceparent) throws Exception {
        List<UserProperty> properties = new ArrayList<>();
        properties.add(new UserProperty("site", "lab"));
        if (traceparent != null) {
            properties.add(new UserProperty("traceparent", traceparent));
            properties.add(new UserProperty("tracestate", "dev=" + id));
        }
        publish(topic, payload, properties);
    }

    private void publish(String topic, String payload, List<UserProperty> properties) throws Exception {
        MessageProperties p = MessageProperties.builder().userProperties(properties).build();
        mqtt("device-" + UUID.randomUUID().toString().substring(0, 8), io.github.camelmqttbridge.mqtt.message.MqttVersion.V5)
                .publish(new OutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, p))
                .get(10, TimeUnit.SECONDS);
    }

    private static String userProperty(InboundMessage m, String name) {
        return m.properties().userProperties().stream().filter(u -> u.key().equals(name)).map(UserProperty::value)
                .findFirst().orElse(null);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * The shipped routes with an application route between them: readings from the device's sensor topic become a
     * command for the same device (key kept).
     */
    private BridgeRoutes bridge(boolean traced) throws Exception {
        String sensors = "t" + id + ".sensors.temperature";
        String commands = "t" + id + ".commands";
        kafka.createTopics(sensors, commands, "t" + id + ".dlq");
        BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.sensors.filter", "it-" + id + "/sensors/+/+",
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic.prefix", "t" + id + ".sensors.",
                "kafka.dlq.topic", "t" + id + ".dlq",
                "kafka.commands.topic", commands,
                "kafka.commands.groupId", "g" + id,
                "bridge.state.dir", dir.resolve("state").toString()),
                "mqtt-to-kafka.yaml", "kafka-to-mqtt.yaml");
        closeables.add(routes);
        routes.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + sensors + "?brokers=" + kafka.bootstrapServers() + "&groupId=app-" + id
                        + "&autoOffsetReset=earliest").routeId("sensor-app")
                        .to("kafka:" + commands + "?brokers=" + kafka.bootstrapServers() + "&requestRequiredAcks=all");
            }
        });
        if (traced) {
            trace(routes.context());
        }
        return routes.start();
    }

    @Test
    void oneTraceRunsFromTheDeviceThroughKafkaAndBackToTheDevice() throws Exception {
        BlockingQueue<InboundMessage> commands = subscribe("devices/" + device + "/commands");
        bridge(true);
        publishFromDevice("it-" + id + "/sensors/" + device + "/temperature", "{\"value\":21.5}", deviceTraceparent);

        InboundMessage command = commands.poll(60, TimeUnit.SECONDS);
        assertThat(command).as("the command for the device").isNotNull();
        W3cTraceContext received = W3cTraceContext.of(userProperty(command, "traceparent"),
                userProperty(command, "tracestate"));
        assertThat(received).as("traceparent user property of the command").isNotNull();
        assertThat(received.traceId()).isEqualTo(traceId);
        assertThat(received.tracestate()).as("the device's tracestate travels with its trace").isEqualTo("dev=" + id);
        assertThat(command.properties().userProperties()).extracting(UserProperty::key)
                .containsExactly("traceparent", "tracestate");

        // the spans: from the subscriber's parent up to the device, each the child of the one before
        List<String[]> expected = List.of(
                new String[] {SpanKind.CLIENT.name(), "kafka-to-mqtt"},    // mqtt-bridge producer: the PUBLISH
                new String[] {SpanKind.CONSUMER.name(), "kafka-to-mqtt"},  // the command record consumed
                new String[] {SpanKind.PRODUCER.name(), "sensor-app"},     // the command record sent
                new String[] {SpanKind.CONSUMER.name(), "sensor-app"},     // the reading consumed
                new String[] {SpanKind.PRODUCER.name(), "mqtt-to-kafka"},  // the reading sent to Kafka
                new String[] {SpanKind.SERVER.name(), "mqtt-to-kafka"});   // mqtt-bridge consumer: the route
        await().atMost(Duration.ofSeconds(30)).until(() -> exporter.getFinishedSpanItems().size() >= expected.size());
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).extracting(SpanData::getTraceId).containsOnly(traceId);
        Map<String, SpanData> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.getSpanId(), s));
        List<String[]> chain = new ArrayList<>();
        String parent = received.parentId();
        while (byId.containsKey(parent)) {
            SpanData s = byId.get(parent);
            chain.add(new String[] {s.getKind().name(),
                    s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("camel.route.id"))});
            parent = s.getParentSpanId();
        }
        assertThat(chain).as("kind and route of each span, subscriber to device").containsExactlyElementsOf(expected);
        assertThat(parent).as("the first span's parent: the device's span").isEqualTo(deviceSpanId);
        assertThat(spans).hasSize(expected.size());

        // the reading's Kafka record carries the Kafka producer span's context, a child of the device's trace
        ConsumerRecord<String, byte[]> reading = kafka.read("t" + id + ".sensors.temperature", 1, Duration.ofSeconds(30))
                .get(0);
        W3cTraceContext onRecord = W3cTraceContext.of(header(reading, "traceparent"), header(reading, "tracestate"));
        assertThat(onRecord.traceId()).isEqualTo(traceId);
        assertThat(byId.get(onRecord.parentId()).getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(header(reading, "site")).isEqualTo("lab");
    }

    @Test
    void withoutATracerNothingIsAddedForTheSubscriber() throws Exception {
        BlockingQueue<InboundMessage> commands = subscribe("devices/" + device + "/commands");
        bridge(false);
        publishFromDevice("it-" + id + "/sensors/" + device + "/temperature", "{\"value\":21.5}", deviceTraceparent);

        InboundMessage command = commands.poll(60, TimeUnit.SECONDS);
        assertThat(command).as("the command for the device").isNotNull();
        assertThat(command.properties().userProperties()).isEmpty();
        assertThat(exporter.getFinishedSpanItems()).isEmpty();
        // mqtt-to-kafka passes the device's valid context on unchanged (a hop that does not trace)
        ConsumerRecord<String, byte[]> reading = kafka.read("t" + id + ".sensors.temperature", 1, Duration.ofSeconds(30))
                .get(0);
        assertThat(header(reading, "traceparent")).isEqualTo(deviceTraceparent);
        assertThat(header(reading, "tracestate")).isEqualTo("dev=" + id);
    }

    @Test
    void aMalformedTraceparentStartsANewTraceAndTheMessageGoesThrough() throws Exception {
        String topic = "it-" + id + "/bad";
        CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        closeables.add(context::stop);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic + "?brokerUrl=" + MOSQUITTO + "&qos=1").routeId("bad").to("mock:in");
            }
        });
        trace(context);
        context.start();
        MockEndpoint in = context.getEndpoint("mock:in", MockEndpoint.class);
        in.expectedMessageCount(3);
        publishFromDevice(topic, "upper case", deviceTraceparent.toUpperCase());
        // a later version with a field of its own: OpenTelemetry's propagator would take it, our limit (256) does not
        String oversized = "cc" + deviceTraceparent.substring(2) + "-" + "a".repeat(250);
        publishFromDevice(topic, "oversized", oversized);
        publish(topic, "two parents", List.of(new UserProperty("traceparent", deviceTraceparent),
                new UserProperty("traceparent", "00-" + traceId + "-" + hex(16) + "-01")));
        in.assertIsSatisfied(30_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.SERVER).count() == 3);
        assertThat(exporter.getFinishedSpanItems()).filteredOn(s -> s.getKind() == SpanKind.SERVER).allSatisfy(s -> {
            assertThat(s.getTraceId()).isNotEqualTo(traceId);
            assertThat(s.getParentSpanContext().isValid()).as("a root span").isFalse();
        });
    }

    @Test
    void anMqtt311ProducerAddsNothingWhileAnMqtt5OneCarriesTheTrace() throws Exception {
        String v5 = "it-" + id + "/v5";
        String v311 = "it-" + id + "/v311";
        BlockingQueue<InboundMessage> on5 = subscribe(v5);
        BlockingQueue<InboundMessage> on311 = subscribe(v311);
        CamelContext context = new org.apache.camel.impl.DefaultCamelContext();
        closeables.add(context::stop);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:send").routeId("send")
                        .to("mqtt-bridge:" + v5 + "?brokerUrl=" + MOSQUITTO + "&qos=1")
                        .to("mqtt-bridge:" + v311 + "?brokerUrl=" + MOSQUITTO + "&qos=1&protocolVersion=3.1.1")
                        .to("mqtt-bridge:" + v5 + "?brokerUrl=" + MOSQUITTO + "&qos=1&traceContext=off");
            }
        });
        trace(context);
        context.start();
        context.createProducerTemplate().sendBody("direct:send", "x");

        InboundMessage traced = on5.poll(30, TimeUnit.SECONDS);
        InboundMessage off = on5.poll(30, TimeUnit.SECONDS);
        InboundMessage old = on311.poll(30, TimeUnit.SECONDS);
        assertThat(traced).isNotNull();
        assertThat(off).isNotNull();
        assertThat(old).isNotNull();
        W3cTraceContext c = W3cTraceContext.of(userProperty(traced, "traceparent"), null);
        await().atMost(Duration.ofSeconds(10)).until(() -> exporter.getFinishedSpanItems().size() >= 4);
        assertThat(exporter.getFinishedSpanItems()).anySatisfy(s -> {
            assertThat(s.getSpanId()).isEqualTo(c.parentId());
            assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
        });
        assertThat(old.properties().userProperties()).isEmpty();
        assertThat(off.properties().userProperties()).as("traceContext=off").isEmpty();
    }
}
