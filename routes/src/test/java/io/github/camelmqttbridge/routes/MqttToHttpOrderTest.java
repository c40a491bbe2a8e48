package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqtt-to-http.yaml retries a 5xx with Camel's asynchronous delayed redelivery: while a message waits for its retry
 * its route call has returned. The route keeps the messages of a topic in order anyway (ordering=strict in the file):
 * the next one waits until the retried one completed. With the component's default (pipelined) the second and third
 * message would be POSTed during the first one's wait.
 */
@EnabledIf("io.github.camelmqttbridge.routes.BridgeRoutes#componentPresent")
class MqttToHttpOrderTest {

    private static final String MOSQUITTO = "tcp://127.0.0.1:1883";

    @TempDir
    Path dir;

    @Test
    void aMessageWaitingForItsRetryIsNotOvertakenByTheNextOfItsTopic() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String root = "it-" + id;
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean fail = calls.incrementAndGet() == 1; // the first POST fails: that message waits for its retry
            if (!fail) {
                delivered.add(body);
            }
            exchange.sendResponseHeaders(fail ? 503 : 200, -1);
            exchange.close();
        });
        server.start();
        MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(MOSQUITTO).clientId("pub-" + id).build());
        try (BridgeRoutes routes = new BridgeRoutes(Map.of(
                "mqtt.url", MOSQUITTO,
                "mqtt.clientId", "bridge-" + id,
                "mqtt.http.filter", root + "/alerts/#",
                "http.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                "http.retries", "3",
                "http.retry.delay", "700",
                "http.retry.maxDelay", "700",
                "bridge.dlq.dir", dir.resolve("dlq").toString(),
                "bridge.state.dir", dir.resolve("state").toString()),
                "mqtt-to-http.yaml").start()) {
            publisher.connect().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                publisher.publish(OutboundMessage.of(root + "/alerts/dev-1/overheat",
                        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), 1)).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 3);
            assertThat(delivered).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
            assertThat(calls.get()).isEqualTo(4);
        } finally {
            publisher.close();
            server.stop(0);
        }
    }
}
