package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's /observe/health and /observe/metrics, read over HTTP as a platform team's probes and Prometheus read
 * them: the runner in this JVM with a route folder, against a Mosquitto of the test's own.
 */
class ObserveEndpointsTest {

    private static final int MESSAGES = 7;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void metricsCountWhatWasSentAndReadinessFollowsTheConsumersConnections() throws Exception {
        String topic = "it/" + UUID.randomUUID();
        int port = Ports.anyFree();
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            BridgeMain.BridgeOptions options = BridgeMain.BridgeOptions.parse(new String[] {
                "--routes", resource("observe-routes"), "--status-interval", "0", "--management-port",
                Integer.toString(port), "mqtt.url=" + broker.tcpUrl(), "test.topic=" + topic,
                "bridge.data.dir=" + dir});
            try (BridgeRunner runner = BridgeRunner.start(options, out)) {
                String base = "http://127.0.0.1:" + port + "/observe";
                assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains(base + "/health", base + "/metrics");

                // the runner returns once the consumer subscribed (the route start waits for the SUBACK)
                HttpResponse<String> ready = get(base + "/health/ready");
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body()).contains("\"consumer:observe-relay\",\"status\":\"UP\"");
                assertThat(get(base + "/health/live").statusCode()).isEqualTo(200);

                publish(broker.tcpUrl(), topic + "/in/dev-1", MESSAGES);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String metrics = get(base + "/metrics").body();
                    assertThat(value(metrics, "mqtt_bridge_consumer_received_total", "observe-relay")).isEqualTo(MESSAGES);
                    assertThat(value(metrics, "mqtt_bridge_consumer_acknowledged_total", "observe-relay"))
                            .isEqualTo(MESSAGES);
                    assertThat(value(metrics, "mqtt_bridge_consumer_ack_latency_seconds_count",
                            "qos=\"1\",route=\"observe-relay\""))
                            .isEqualTo(MESSAGES);
                    assertThat(value(metrics, "mqtt_bridge_producer_publish_latency_seconds_count",
                            "client_id=\"observe-relay-out\",qos=\"1\""))
                            .isEqualTo(MESSAGES);
                });
                String metrics = get(base + "/metrics").body();
                assertThat(value(metrics, "mqtt_bridge_producer_confirmed_total", "observe-relay-out")).isEqualTo(MESSAGES);
                assertThat(value(metrics, "mqtt_bridge_consumer_connected", "observe-relay")).isEqualTo(1);
                assertThat(value(metrics, "mqtt_bridge_consumer_inflight", "observe-relay")).isZero();
                assertThat(metrics).contains("mqtt_bridge_consumer_ack_latency_seconds_bucket{");
                assertThat(metrics).as("no received topic becomes a label").doesNotContain(topic + "/in/dev-1\"");

                broker.stop();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    HttpResponse<String> notReady = get(base + "/health/ready");
                    assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
                    assertThat(notReady.body()).contains("\"consumer:observe-relay\",\"status\":\"DOWN\"");
                });
                assertThat(get(base + "/health/live").statusCode()).as("a broker outage is no reason to restart")
                        .isEqualTo(200);
                assertThat(value(get(base + "/metrics").body(), "mqtt_bridge_consumer_connected", "observe-relay"))
                        .isZero();

                broker.restart();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(base + "/health/ready")
                        .statusCode()).isEqualTo(200));
                String after = get(base + "/metrics").body();
                assertThat(value(after, "mqtt_bridge_consumer_reconnects_total",
                        "reason=\"transient\",route=\"observe-relay\"")).isGreaterThanOrEqualTo(1);

                // the Grafana dashboard queries only what is exported, and every exported mqtt-bridge family
                assertDashboardMatches(after);
            }
        }
    }

    @Test
    void theManagementPortIsAnOption() {
        assertThat(BridgeMain.BridgeOptions.parse(new String[] {"--management-port", "9123"}).overrides())
                .containsEntry("camel.management.port", "9123");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> BridgeMain.BridgeOptions.parse(new String[] {"--management-port", "http"})))
                .hasMessageContaining("--management-port http: not a port number");
        assertThat(BridgeMain.USAGE).contains("--management-port <port>");
    }

    /** examples/grafana/mqtt-bridge-dashboard.json, from this module's folder (examples/bridge). */
    static final Path DASHBOARD = Path.of("..", "grafana", "mqtt-bridge-dashboard.json");

    private static void assertDashboardMatches(String exposition) throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> queried = new TreeSet<>();
        collectMetricNames(dashboard, queried);
        assertThat(dashboard.path("panels").size()).isGreaterThan(5);
        Set<String> exported = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.find() && m.group(1).startsWith("mqtt_bridge_")) {
                exported.add(m.group(1));
            }
        }
        assertThat(exported).as("the component's samples in /observe/metrics").contains(
                "mqtt_bridge_consumer_received_total", "mqtt_bridge_producer_publish_latency_seconds_bucket");
        assertThat(queried).as("metrics " + DASHBOARD + " queries that /observe/metrics does not export")
                .isSubsetOf(exported);
        Set<String> families = new TreeSet<>();
        exported.forEach(n -> families.add(n.replaceAll("(_seconds)?(_total|_bucket|_count|_sum|_max)$", "")));
        Set<String> queriedFamilies = new TreeSet<>();
        queried.forEach(n -> queriedFamilies.add(n.replaceAll("(_seconds)?(_total|_bucket|_count|_sum|_max)$", "")));
        assertThat(queriedFamilies).as("every exported mqtt-bridge meter has a panel").containsAll(families);
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
    private static final Pattern METRIC_IN_QUERY = Pattern.compile("\\bmqtt_bridge_[a-z0-9_]+");

    private static void collectMetricNames(JsonNode node, Set<String> names) {
        if (node.isTextual()) {
            Matcher m = METRIC_IN_QUERY.matcher(node.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        node.forEach(child -> collectMetricNames(child, names));
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the one sample of {@code name} whose labels match {@code labelRegex} (a client id, a route). */
    static double value(String exposition, String name, String labelRegex) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*" + labelRegex + "[^}]*)\\} (\\S+)$")
                .matcher(exposition);
        assertThat(m.find()).as(name + " with labels matching " + labelRegex + " in\n" + exposition).isTrue();
        double v = Double.parseDouble(m.group(2));
        assertThat(m.find()).as("a second " + name + " sample matching " + labelRegex).isFalse();
        return v;
    }

    private static void publish(String url, String topic, int n) throws Exception {
        MqttClient client = new MqttClient(url, "observe-pub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        client.connect(o);
        try {
            for (int i = 0; i < n; i++) {
                MqttMessage message = new MqttMessage(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                client.publish(topic, message);
            }
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static String resource(String name) {
        try {
            return Path.of(ObserveEndpointsTest.class.getClassLoader().getResource(name).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
