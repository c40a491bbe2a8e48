package io.github.camelmqttbridge.routes;

import static io.github.camelmqttbridge.routes.MqttMessages.message;
import static io.github.camelmqttbridge.routes.MqttMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.camelmqttbridge.kafka.test.EmbeddedKafka;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * mqtt-to-kafka.yaml, loaded unchanged, against a real KRaft Kafka; the MQTT consumer is fed directly
 * (see {@link BridgeRoutes}). Each test uses its own topic prefix, so topics never collide.
 */
class MqttToKafkaRouteTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedKafka kafka;

    private BridgeRoutes routes;
    private String prefix;
    private String dlq;

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
        prefix = "t" + id + ".sensors.";
        dlq = "t" + id + ".dead-letters";
        routes = new BridgeRoutes(Map.of(
                "kafka.brokers", kafka.bootstrapServers(),
                "kafka.topic.prefix", prefix,
                "kafka.dlq.topic", dlq,
                "mqtt.clientId", "bridge-" + id),
                "mqtt-to-kafka.yaml").directFed("mqtt-to-kafka").start();
    }

    @AfterEach
    void stopRoute() {
        routes.close();
    }

    @Test
    void jsonReadingGoesToTheMetricTopicKeyedByDeviceWithMqttMetadataAsHeaders() throws Exception {
        Exchange sent = publish(routes.context(), message(routes.context(), "sensors/dev-1/temperature",
                "{\"value\":21.5,\"unit\":\"C\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("site", "lab", "firmware", "1.2"), "application/json"));
        assertThat(sent.getException()).isNull();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "temperature", 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        ConsumerRecord<String, byte[]> record = records.get(0);
        assertThat(record.key()).isEqualTo("dev-1");
        JsonNode value = MAPPER.readTree(record.value());
        assertThat(value.get("device").asText()).isEqualTo("dev-1");
        assertThat(value.get("metric").asText()).isEqualTo("temperature");
        assertThat(value.get("value").asDouble()).isEqualTo(21.5);
        assertThat(value.get("unit").asText()).isEqualTo("C");
        assertThat(value.get("topic").asText()).isEqualTo("sensors/dev-1/temperature");
        assertThat(value.get("clientId").asText()).endsWith("-kafka");
        assertThat(value.get("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(header(record, "site")).isEqualTo("lab");
        assertThat(header(record, "firmware")).isEqualTo("1.2");
        assertThat(header(record, "mqtt-content-type")).isEqualTo("application/json");
        assertThat(header(record, "mqtt-topic")).isEqualTo("sensors/dev-1/temperature");
        assertThat(header(record, "mqtt-qos")).isEqualTo("1");
        assertThat(record.headers().toArray()).extracting(Header::key)
                .noneMatch(k -> k.startsWith("Camel") || k.startsWith("kafka."));
    }

    @Test
    void plainNumberCsvAndAliasedFieldsBecomeTheSameJsonShape() throws Exception {
        publish(routes.context(), message(routes.context(), "sensors/dev-2/humidity", "55"));
        publish(routes.context(), message(routes.context(), "sensors/dev-2/humidity", "56.5,%"));
        publish(routes.context(), message(routes.context(), "sensors/dev-2/humidity", "{\"v\":57,\"u\":\"%\"}"));

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "humidity", 3, Duration.ofSeconds(20));
        assertThat(records).hasSize(3);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("dev-2");
        JsonNode first = MAPPER.readTree(records.get(0).value());
        JsonNode second = MAPPER.readTree(records.get(1).value());
        JsonNode third = MAPPER.readTree(records.get(2).value());
        assertThat(first.get("value").asDouble()).isEqualTo(55);
        assertThat(first.has("unit")).isFalse();
        assertThat(second.get("value").asDouble()).isEqualTo(56.5);
        assertThat(second.get("unit").asText()).isEqualTo("%");
        assertThat(third.get("value").asDouble()).isEqualTo(57);
        assertThat(third.get("unit").asText()).isEqualTo("%");
        assertThat(third.has("v")).isFalse();
    }

    @Test
    void aReadingOutsideItsMetricsRangeGoesToTheDeadLetterTopicSayingWhyAndIsAcknowledged() throws Exception {
        Exchange rejected = publish(routes.context(), message(routes.context(), "sensors/dev-3/temperature", "9999"));
        Exchange kept = publish(routes.context(), message(routes.context(), "sensors/dev-3/temperature", "20"));
        // handled by the dead letter channel: the exchange completes, so the component acks it
        assertThat(rejected.getException()).isNull();
        assertThat(kept.getException()).isNull();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "temperature", 2, Duration.ofSeconds(5));
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).contains("\"value\":20");

        List<ConsumerRecord<String, byte[]>> dead = kafka.read(dlq, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        JsonNode record = MAPPER.readTree(dead.get(0).value());
        // topic, value, range and the property that sets it
        assertThat(record.get("error").asText()).contains("sensors/dev-3/temperature", "9999", "-50..150",
                "sensors.range.temperature");
        assertThat(record.get("errorType").asText()).isEqualTo(ReadingOutOfRangeException.class.getName());
        assertThat(new String(Base64.getDecoder().decode(record.get("payloadBase64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("9999");
        assertThat(header(dead.get(0), "dead-letter-error")).contains("sensors.range.temperature");
    }

    /** Issue 11: 1013.2 hPa was dropped as out of range, as every metric had temperature's -50..150. */
    @Test
    void aMetricWithoutARangeIsNotChecked() {
        Exchange sent = publish(routes.context(), message(routes.context(), "sensors/dev-3/pressure", "1013.2,hPa"));
        assertThat(sent.getException()).isNull();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "pressure", 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8))
                .contains("\"value\":1013.2", "\"unit\":\"hPa\"");
        assertThat(kafka.read(dlq, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void poisonMessageGoesToTheDeadLetterTopicWithItsErrorAndTheStreamContinues() throws Exception {
        byte[] poison = {'{', 'b', 'a', 'd', (byte) 0xff, 0x00};
        Exchange bad = publish(routes.context(), message(routes.context(), "sensors/dev-4/pressure", poison, Map.of(), null));
        Exchange invalid = publish(routes.context(), message(routes.context(), "sensors/dev-4/pressure", "{\"value\":\"high\"}"));
        Exchange good = publish(routes.context(), message(routes.context(), "sensors/dev-4/pressure", "101.3"));
        // handled by the dead letter channel: the exchange completes, so the component acks it
        assertThat(bad.getException()).isNull();
        assertThat(invalid.getException()).isNull();
        assertThat(good.getException()).isNull();

        List<ConsumerRecord<String, byte[]>> dead = kafka.read(dlq, 2, Duration.ofSeconds(20));
        assertThat(dead).hasSize(2);
        JsonNode first = MAPPER.readTree(dead.get(0).value());
        assertThat(dead.get(0).key()).isEqualTo("sensors/dev-4/pressure");
        assertThat(first.get("route").asText()).isEqualTo("mqtt-to-kafka");
        assertThat(first.get("error").asText()).contains("not UTF-8");
        assertThat(first.get("errorType").asText()).isEqualTo(PayloadRejectedException.class.getName());
        assertThat(first.get("source").get("mqttTopic").asText()).isEqualTo("sensors/dev-4/pressure");
        assertThat(Base64.getDecoder().decode(first.get("payloadBase64").asText())).isEqualTo(poison);
        JsonNode second = MAPPER.readTree(dead.get(1).value());
        assertThat(second.get("error").asText()).contains("no numeric value");
        assertThat(new String(Base64.getDecoder().decode(second.get("payloadBase64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{\"value\":\"high\"}");

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "pressure", 1, Duration.ofSeconds(20));
        assertThat(records).hasSize(1);
        assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8)).contains("\"value\":101.3");
    }

    /** Without a tracer the publisher's valid trace context passes to Kafka unchanged; a malformed one goes nowhere. */
    @Test
    void onlyAValidTraceContextReachesTheKafkaRecord() throws Exception {
        String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Map<String, String> good = new java.util.LinkedHashMap<>();
        good.put("traceparent", valid);
        good.put("tracestate", "Bad=1");
        good.put("TRACEPARENT", "something else");
        Map<String, String> bad = Map.of("traceparent", valid.toUpperCase(), "tracestate", "rojo=1", "site", "lab");
        assertThat(publish(routes.context(), message(routes.context(), "sensors/dev-1/humidity",
                "50".getBytes(StandardCharsets.UTF_8), good, null)).getException()).isNull();
        assertThat(publish(routes.context(), message(routes.context(), "sensors/dev-2/humidity",
                "51".getBytes(StandardCharsets.UTF_8), bad, null)).getException()).isNull();

        List<ConsumerRecord<String, byte[]>> records = kafka.read(prefix + "humidity", 2, Duration.ofSeconds(20));
        assertThat(records).hasSize(2);
        assertThat(header(records.get(0), "traceparent")).isEqualTo(valid);
        assertThat(records.get(0).headers().headers("traceparent")).hasSize(1);
        assertThat(records.get(0).headers().toArray()).extracting(Header::key)
                .noneMatch(k -> k.equalsIgnoreCase("tracestate") || k.equals("TRACEPARENT"));
        assertThat(records.get(1).headers().toArray()).extracting(Header::key)
                .noneMatch(k -> k.equalsIgnoreCase("traceparent") || k.equalsIgnoreCase("tracestate"))
                .contains("site");
    }

    @Test
    void topicWithoutDeviceAndMetricIsDeadLettered() throws Exception {
        Exchange sent = publish(routes.context(), message(routes.context(), "sensors", "1"));
        assertThat(sent.getException()).isNull();
        List<ConsumerRecord<String, byte[]>> dead = kafka.read(dlq, 1, Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(MAPPER.readTree(dead.get(0).value()).get("error").asText()).contains("<device>/<metric>");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
