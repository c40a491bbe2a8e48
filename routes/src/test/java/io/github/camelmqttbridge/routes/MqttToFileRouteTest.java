package io.github.camelmqttbridge.routes;

import static io.github.camelmqttbridge.routes.MqttMessages.message;
import static io.github.camelmqttbridge.routes.MqttMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mqtt-to-file.yaml, loaded unchanged, writing into a temporary folder; the MQTT consumer is fed directly. */
class MqttToFileRouteTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path out;

    private BridgeRoutes routes;

    @BeforeEach
    void startRoute() throws Exception {
        routes = new BridgeRoutes(Map.of("bridge.out.dir", out.toString()), "mqtt-to-file.yaml")
                .directFed("mqtt-to-file").start();
    }

    @AfterEach
    void stopRoute() {
        routes.close();
    }

    @Test
    void jsonTextAndBinaryPayloadsAreAppendedAsJsonLinesPerTopicAndDay() throws Exception {
        byte[] binary = {0, 1, 2, (byte) 0xfe, (byte) 0xff, '\n'};
        Exchange json = publish(routes.context(), message(routes.context(), "sensors/dev-1/temp",
                "{\"value\":21.5}".getBytes(StandardCharsets.UTF_8), Map.of("site", "lab"), "application/json"));
        Exchange text = publish(routes.context(), message(routes.context(), "sensors/dev-1/temp", "hello\nworld"));
        Exchange bin = publish(routes.context(), message(routes.context(), "sensors/dev-1/temp", binary, Map.of(), null));
        // the component acks once the exchange completed, i.e. after the line was forced to disk
        assertThat(List.of(json, text, bin)).allMatch(e -> e.getException() == null);

        Path file = out.resolve("sensors/dev-1/temp/" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);

        JsonNode first = MAPPER.readTree(lines.get(0));
        assertThat(first.get("topic").asText()).isEqualTo("sensors/dev-1/temp");
        assertThat(first.get("qos").asInt()).isEqualTo(1);
        assertThat(first.get("retained").asBoolean()).isFalse();
        assertThat(first.get("receivedAt").asText()).endsWith("Z");
        assertThat(first.get("contentType").asText()).isEqualTo("application/json");
        assertThat(first.get("userProperties").get("site").asText()).isEqualTo("lab");
        assertThat(first.get("payloadEncoding").asText()).isEqualTo("json");
        assertThat(first.get("payload").get("value").asDouble()).isEqualTo(21.5);

        JsonNode second = MAPPER.readTree(lines.get(1));
        assertThat(second.get("payloadEncoding").asText()).isEqualTo("text");
        assertThat(second.get("payload").asText()).isEqualTo("hello\nworld");

        JsonNode third = MAPPER.readTree(lines.get(2));
        assertThat(third.get("payloadEncoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(third.get("payload").asText())).isEqualTo(binary);
    }

    @Test
    void eachTopicHasItsOwnFileAndNoTopicEscapesTheOutputFolder() throws Exception {
        publish(routes.context(), message(routes.context(), "sensors/a/temp", "1"));
        publish(routes.context(), message(routes.context(), "sensors/b/temp", "2"));
        publish(routes.context(), message(routes.context(), "../../etc/x y", "3"));

        try (Stream<Path> files = Files.walk(out)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted().toList();
            String day = LocalDate.now(ZoneOffset.UTC) + ".jsonl";
            assertThat(names).containsExactly("_/_/etc/x_y/" + day, "sensors/a/temp/" + day, "sensors/b/temp/" + day);
        }
    }
}
