package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;

import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
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

/**
 * kafka-to-mqtt.yaml, loaded unchanged, consuming from a real KRaft Kafka; the mqtt-bridge producer is
 * replaced by mock:mqtt (see {@link BridgeRoutes}), whose completion stands for the PUBACK.
 */
class KafkaToMqttRouteTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedKafka kafka;

    private BridgeRoutes routes;
    private String commands;
    private String dlq;
    private String group;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @BeforeEach
    void startRoute() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        commands = "t" + id + ".commands";
        dlq = "t" + id + ".dead-letters";
        group = "g" + id;
        kafka.createTopics(commands, dlq);
        routes = new BridgeRoutes(Map.of(
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.commands.topic", commands,
                "kafka.commands.groupId", group,
                "kafka.dlq.topic", dlq), "kafka-to-mqtt.yaml").mockMqttProducer("kafka-to-mqtt");
    }

    @AfterEach
    void stopRoute() {
        routes.close();
    }

    @Test
    void commandGoesToTheDeviceCommandTopicAndTheOffsetIsCommittedAfterThePublish() throws Exception {
        MockEndpoint mqtt = routes.context().getEndpoint(BridgeRoutes.MOCK_MQTT, MockEndpoint.class);
        mqtt.expectedMessageCount(2);
        routes.start();
        kafka.send(commands, "dev-7", "{\"cmd\":\"reboot\"}".getBytes(StandardCharsets.UTF_8));
        kafka.send(commands, "dev-8", new byte[] {1, 2, 3});
        mqtt.assertIsSatisfied(20_000);

        List<Exchange> published = mqtt.getReceivedExchanges();
        assertThat(published.get(0).getMessage().getHeader(MqttHeaders.TOPIC)).isEqualTo("devices/dev-7/commands");
        assertThat(published.get(0).getMessage().getBody(String.class)).isEqualTo("{\"cmd\":\"reboot\"}");
        assertThat(published.get(1).getMessage().getHeader(MqttHeaders.TOPIC)).isEqualTo("devices/dev-8/commands");
        assertThat(published.get(1).getMessage().getBody(byte[].class)).containsExactly(1, 2, 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> kafka.committedOffset(group, commands) == 2);
    }

    @Test
    void recordHeadersDoNotReachTheRouteButAValidTraceContext() throws Exception {
        MockEndpoint mqtt = routes.context().getEndpoint(BridgeRoutes.MOCK_MQTT, MockEndpoint.class);
        mqtt.expectedMessageCount(2);
        routes.start();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(commands, "dev-11", "x".getBytes(StandardCharsets.UTF_8));
            record.headers().add("CAMELMqttBridgeOverrideTopic", "stolen".getBytes(StandardCharsets.UTF_8));
            record.headers().add("Authorization", "Bearer stolen".getBytes(StandardCharsets.UTF_8));
            record.headers().add("site", "lab".getBytes(StandardCharsets.UTF_8));
            record.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
            record.headers().add("tracestate", "Not=valid".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
            ProducerRecord<String, byte[]> other = new ProducerRecord<>(commands, "dev-12", "y".getBytes(StandardCharsets.UTF_8));
            other.headers().add("traceparent", TRACEPARENT.toUpperCase().getBytes(StandardCharsets.UTF_8));
            other.headers().add("TraceState", "rojo=1".getBytes(StandardCharsets.UTF_8));
            producer.send(other).get();
        }
        mqtt.assertIsSatisfied(20_000);
        org.apache.camel.Message m = mqtt.getReceivedExchanges().get(0).getMessage();
        assertThat(m.getHeader(MqttHeaders.TOPIC)).isEqualTo("devices/dev-11/commands");
        assertThat(m.getHeader("CamelMqttBridgeOverrideTopic")).isNull();
        assertThat(m.getHeader("Authorization")).isNull();
        assertThat(m.getHeader("site")).isNull();
        // the W3C trace context alone gets through, and only when valid, for a tracer to continue the trace
        assertThat(m.getHeader("traceparent", String.class)).isEqualTo(TRACEPARENT);
        assertThat(m.getHeader("tracestate")).isNull();
        org.apache.camel.Message second = mqtt.getReceivedExchanges().get(1).getMessage();
        assertThat(second.getHeader("traceparent")).isNull();
        assertThat(second.getHeader("tracestate")).as("not exactly the name").isNull();
    }

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aFailedPublishIsNotCommittedAndTheRecordIsRetriedUntilItGoesThrough() throws Exception {
        MockEndpoint mqtt = routes.context().getEndpoint(BridgeRoutes.MOCK_MQTT, MockEndpoint.class);
        AtomicBoolean brokerDown = new AtomicBoolean(true);
        mqtt.whenAnyExchangeReceived(exchange -> {
            if (brokerDown.get()) {
                throw new IllegalStateException("no PUBACK: broker unreachable");
            }
        });
        routes.start();
        kafka.send(commands, "dev-9", "open".getBytes(StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(20)).until(() -> mqtt.getReceivedCounter() >= 2); // retried, not skipped
        assertThat(kafka.committedOffset(group, commands)).isLessThan(1);

        brokerDown.set(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committedOffset(group, commands) == 1);
        Exchange last = mqtt.getReceivedExchanges().get(mqtt.getReceivedExchanges().size() - 1);
        assertThat(last.getMessage().getHeader(MqttHeaders.TOPIC)).isEqualTo("devices/dev-9/commands");
    }

    @Test
    void aRecordWithoutUsableKeyIsDeadLetteredCommittedAndTheNextCommandFlows() throws Exception {
        MockEndpoint mqtt = routes.context().getEndpoint(BridgeRoutes.MOCK_MQTT, MockEndpoint.class);
        mqtt.expectedMessageCount(1);
        routes.start();
        kafka.send(commands, "a/b/#", "x".getBytes(StandardCharsets.UTF_8));
        kafka.send(commands, "dev-10", "y".getBytes(StandardCharsets.UTF_8));
        mqtt.assertIsSatisfied(20_000);
        assertThat(mqtt.getReceivedExchanges().get(0).getMessage().getHeader(MqttHeaders.TOPIC))
                .isEqualTo("devices/dev-10/commands");

        List<ConsumerRecord<String, byte[]>> dead = kafka.read(dlq, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        JsonNode record = MAPPER.readTree(dead.get(0).value());
        assertThat(record.get("error").asText()).contains("a/b/#");
        assertThat(record.get("source").get("kafkaTopic").asText()).isEqualTo(commands);
        assertThat(record.get("source").get("offset").asLong()).isZero();
        assertThat(Base64.getDecoder().decode(record.get("payloadBase64").asText())).containsExactly('x');
        await().atMost(Duration.ofSeconds(15)).until(() -> kafka.committedOffset(group, commands) == 2);
    }
}
