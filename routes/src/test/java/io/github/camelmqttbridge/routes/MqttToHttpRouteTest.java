package io.github.camelmqttbridge.routes;

import static io.github.camelmqttbridge.routes.MqttMessages.message;
import static io.github.camelmqttbridge.routes.MqttMessages.publish;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqtt-to-http.yaml, loaded unchanged, posting to a real HTTP server (the JDK's); dead letters go to a
 * temporary folder; the MQTT consumer is fed directly. Back-off delays are shortened by properties.
 */
class MqttToHttpRouteTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Request(String method, Headers headers, byte[] body) {
    }

    @TempDir
    Path dlqDir;

    private HttpServer server;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private volatile IntSupplier status = () -> 200;
    private BridgeRoutes routes;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestHeaders(), body));
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        });
        server.start();
        routes = routes("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private BridgeRoutes routes(String url) throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("http.url", url);
        props.put("http.retries", "3");
        props.put("http.retry.delay", "50");
        props.put("http.retry.maxDelay", "400");
        props.put("bridge.dlq.dir", dlqDir.toString());
        return new BridgeRoutes(props, "mqtt-to-http.yaml").directFed("mqtt-to-http").start();
    }

    @AfterEach
    void stop() {
        routes.close();
        server.stop(0);
    }

    @Test
    void postsJsonWithMqttMetadataAsHeadersAndCompletesOn2xx() throws Exception {
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-1/overheat",
                "{\"level\": \"high\"}".getBytes(StandardCharsets.UTF_8), Map.of("site", "lab", "bad name", "x"),
                "application/json"));
        assertThat(sent.getException()).isNull();

        assertThat(requests).hasSize(1);
        Request request = requests.peek();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.headers().getFirst("X-Mqtt-Topic")).isEqualTo("alerts/dev-1/overheat");
        assertThat(request.headers().getFirst("X-Mqtt-Qos")).isEqualTo("1");
        assertThat(request.headers().getFirst("X-Mqtt-Retained")).isEqualTo("false");
        assertThat(request.headers().getFirst("X-Mqtt-Content-Type")).isEqualTo("application/json");
        assertThat(request.headers().getFirst("X-Mqtt-Property-site")).isEqualTo("lab");
        assertThat(request.headers().getFirst("X-Mqtt-Property-bad_name")).isEqualTo("x");
        assertThat(request.headers().getFirst("Content-Type")).startsWith("application/json");
        assertThat(request.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("camel"));
        assertThat(MAPPER.readTree(request.body()).get("level").asText()).isEqualTo("high");
        assertThat(deadLetters()).isEmpty();
    }

    /** MQTT allows CR and LF in a user property (Mosquitto refuses them, other brokers pass them on). */
    @Test
    void aLineBreakInAUserPropertyCannotAddARequestHeader() {
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-1/x",
                "{}".getBytes(StandardCharsets.UTF_8), Map.of("note", "a\r\nX-Injected: yes", "X-Other\r\nX-Injected2: yes", "b"),
                null));
        assertThat(sent.getException()).isNull();
        assertThat(requests).hasSize(1);
        Headers headers = requests.peek().headers();
        assertThat(headers).doesNotContainKeys("X-injected", "X-injected2");
        assertThat(headers.getFirst("X-Mqtt-Property-note")).isEqualTo("a  X-Injected: yes");
    }

    @Test
    void retries5xxWithBackOffAndCompletesWhenTheWebhookRecovers() {
        AtomicInteger calls = new AtomicInteger();
        status = () -> calls.incrementAndGet() <= 2 ? 503 : 204;
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-2/x", "{\"a\":1}"));
        assertThat(sent.getException()).isNull();
        assertThat(requests).hasSize(3);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void after5xxRetriesTheMessageIsDeadLetteredWithItsErrorAndTheNextOneGoesThrough() throws Exception {
        status = () -> 500;
        Exchange failed = publish(routes.context(), message(routes.context(), "alerts/dev-3/x", "{\"a\":1}"));
        assertThat(failed.getException()).isNull(); // handled: acked after the dead letter line was written
        assertThat(requests).hasSize(4); // first attempt + 3 redeliveries

        List<JsonNode> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("error").asText()).contains("500");
        assertThat(dead.get(0).get("source").get("mqttTopic").asText()).isEqualTo("alerts/dev-3/x");
        assertThat(new String(Base64.getDecoder().decode(dead.get(0).get("payloadBase64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}");

        status = () -> 200;
        requests.clear();
        Exchange next = publish(routes.context(), message(routes.context(), "alerts/dev-3/x", "{\"a\":2}"));
        assertThat(next.getException()).isNull();
        assertThat(requests).hasSize(1);
    }

    @Test
    void a4xxAnswerIsDeadLetteredWithoutRetry() {
        status = () -> 422;
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-4/x", "{\"a\":1}"));
        assertThat(sent.getException()).isNull();
        assertThat(requests).hasSize(1);
        assertThat(deadLetters()).hasSize(1);
        assertThat(deadLetters().get(0).get("error").asText()).contains("422");
    }

    @Test
    void aPayloadThatIsNotJsonIsDeadLetteredWithoutCallingTheWebhook() {
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-5/x", "not json {"));
        assertThat(sent.getException()).isNull();
        assertThat(requests).isEmpty();
        List<JsonNode> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("errorType").asText()).contains("Json");
        assertThat(new String(Base64.getDecoder().decode(dead.get(0).get("payloadBase64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("not json {");
    }

    @Test
    void connectionErrorsAreRetriedThenDeadLettered() throws Exception {
        routes.close();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        routes = routes("http://127.0.0.1:" + closedPort + "/hook");
        long start = System.nanoTime();
        Exchange sent = publish(routes.context(), message(routes.context(), "alerts/dev-6/x", "{\"a\":1}"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(sent.getException()).isNull();
        assertThat(millis).as("back-off 50 + 100 + 200 ms").isGreaterThanOrEqualTo(350);
        List<JsonNode> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("errorType").asText()).contains("Connect");
    }

    private List<JsonNode> deadLetters() {
        Path file = dlqDir.resolve("mqtt-to-http-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file).stream().map(line -> {
                try {
                    return MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
