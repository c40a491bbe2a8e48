package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.ConnectionState;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * A lost connection at the component's default options (cleanStart=true, sessionExpiryInterval not set, memory
 * persistence, generated client id) keeps the broker's session and the messages it held for us: the issue's
 * reproduction (keep-alive 2 s, receiveMaximum 1, a slow route, 3 QoS 1 messages) over a path that is cut, and a
 * broker restart with persistence. Before, the reconnect sent Clean Start 1 with Session Expiry 0 and the broker
 * discarded the two messages it still held.
 */
class MqttBridgeReconnectTest extends MqttBridgeTestSupport {

    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /** The first message blocks the route until {@link #release}: the broker holds the rest (window 1). */
    private void slowRoute(String brokerUrl, String topic) throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic + "?brokerUrl=" + brokerUrl + "&qos=1&receiveMaximum=1&keepAliveInterval=2"
                        + "&minReconnectDelay=100&maxReconnectDelay=1000&connectionTimeout=3")
                        .routeId("slow")
                        .process(e -> {
                            processed.add(text(e.getIn().getBody()));
                            release.await(60, TimeUnit.SECONDS);
                        });
            }
        });
    }

    private static void publishThree(String brokerUrl, String topic) throws Exception {
        MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUris(brokerUrl)
                .clientId("pub-" + UUID.randomUUID().toString().substring(0, 8)).build());
        try {
            publisher.connect().get(10, TimeUnit.SECONDS);
            for (int i = 1; i <= 3; i++) {
                publisher.publish(OutboundMessage.of(topic, ("m" + i).getBytes(StandardCharsets.UTF_8), 1))
                        .get(10, TimeUnit.SECONDS);
            }
        } finally {
            publisher.close();
        }
    }

    @Test
    void aCutConnectionAtDefaultOptionsLosesNoneOfTheMessagesTheBrokerHeld() throws Exception {
        String t = topic("cut");
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 1883)) {
            slowRoute(proxy.tcpUrl(), t);
            publishThree(BROKER, t);
            await().atMost(Duration.ofSeconds(20)).until(() -> processed.contains("m1"));
            MqttClient client = consumer("slow").getClient();

            proxy.blackhole(); // a cut cable: no FIN, keep-alive has to find out
            await().atMost(Duration.ofSeconds(20)).until(() -> client.state() != ConnectionState.CONNECTED);
            proxy.dropAll();
            proxy.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> client.metrics().reconnects() >= 1 && client.isConnected());
            assertThat(client.connectResult().sessionPresent()).as("the reconnect resumed the session").isTrue();

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> assertThat(processed).as("nothing the broker held is lost").contains("m1", "m2", "m3"));
        }
    }

    @Test
    void aBrokerRestartWithPersistenceAtDefaultOptionsLosesNothing() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            String t = topic("restart");
            slowRoute(broker.tcpUrl(), t);
            publishThree(broker.tcpUrl(), t);
            await().atMost(Duration.ofSeconds(20)).until(() -> processed.contains("m1"));
            MqttClient client = consumer("slow").getClient();

            broker.restart(); // SIGTERM: Mosquitto saves its sessions, then starts on the same port
            await().atMost(Duration.ofSeconds(30)).until(() -> client.metrics().reconnects() >= 1 && client.isConnected());
            assertThat(client.connectResult().sessionPresent()).as("the broker kept the session").isTrue();

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(
                    () -> assertThat(processed).as("nothing the broker held is lost").contains("m1", "m2", "m3"));
        }
    }

    @Test
    void aGracefulStopOfACleanStartConsumerEndsItsSessionOnTheBroker() throws Exception {
        String t = topic("stop");
        String clientId = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&clientId=" + clientId).routeId("stopped")
                        .to("mock:stopped");
            }
        });
        assertThat(consumer("stopped").getClient().isConnected()).isTrue();
        context.getRouteController().stopRoute("stopped");

        // Resume it as it would be resumed if it still existed: the broker must have nothing.
        MqttClient probe = new MqttClient(MqttClientOptions.builder().serverUris(BROKER).clientId(clientId)
                .cleanStart(false).sessionExpiryInterval(0).build());
        try {
            ConnectResult result = probe.connect().get(10, TimeUnit.SECONDS);
            assertThat(result.sessionPresent()).as("the DISCONNECT ended the session (Session Expiry 0)").isFalse();
        } finally {
            probe.close();
        }
    }
}
