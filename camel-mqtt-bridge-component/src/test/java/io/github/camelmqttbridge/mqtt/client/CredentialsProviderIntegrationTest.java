package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.auth.MqttCredentials;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.fuzz.LogCapture;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An expiring credential: Mosquitto's password file changes (rewritten, SIGHUP) while the client is connected.
 * Mosquitto 2.0 then disconnects the client (its credentials are no longer valid), and refuses its reconnects while
 * the provider still hands out the old token; once the provider has the new one, the next reconnect uses it and the
 * client is back without anyone restarting it. A client with the old fixed password stays refused.
 */
class CredentialsProviderIntegrationTest {

    private static final String OLD_TOKEN = "tok-1f8a2c-old";
    private static final String NEW_TOKEN = "tok-7b3e9d-new";

    @Test
    void theProviderRenewsTheTokenForTheReconnect() {
        List<String> handedOut = new CopyOnWriteArrayList<>();
        AtomicReference<String> current = new AtomicReference<>(OLD_TOKEN);
        StringBuilder seen = new StringBuilder();
        try (LogCapture logs = LogCapture.everything();
                MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("bridge", OLD_TOKEN)).start();
                TcpProxy cut = TcpProxy.start("127.0.0.1", broker.port())) {
            MqttClient client = new MqttClient(options(cut.tcpUrl(), MqttVersion.V5).credentialsProvider(uri -> {
                String token = current.get();
                handedOut.add(token);
                return MqttCredentials.of("bridge", token);
            }).build());
            ItSupport.Events events = new ItSupport.Events();
            client.addConnectionListener(events);
            try {
                await(client.connect());
                assertThat(handedOut).containsExactly(OLD_TOKEN);

                // the token expires: the broker only knows the new one from now on
                broker.rewritePasswordFile(Map.of("bridge", NEW_TOKEN));
                broker.reload();
                MqttClient stale = new MqttClient(options(broker.tcpUrl(), MqttVersion.V5).userName("bridge")
                        .password(OLD_TOKEN.getBytes(StandardCharsets.UTF_8)).automaticReconnect(false).build());
                await().atMost(ItSupport.TIMEOUT).untilAsserted(() -> {
                    Throwable refused = failure(stale.connect());
                    assertThat(refused).isInstanceOf(MqttConnectionRefusedException.class)
                            .hasMessageContaining("not authorized");
                });
                seen.append(stale.lastError()).append(stale.options());
                stale.close();
                current.set(NEW_TOKEN);

                // the connection ends (Mosquitto may have ended it already); every reconnect asks the provider again
                cut.dropAll();
                await().atMost(Duration.ofSeconds(30)).until(() -> events.has("connected reconnect=true"));
                assertThat(handedOut).as("one answer per attempt: the old token until it was renewed, then the new one")
                        .startsWith(OLD_TOKEN).endsWith(NEW_TOKEN).containsOnlyOnce(NEW_TOKEN);
                assertThat(client.isConnected()).isTrue();
                String topic = uniqueTopic("renewed");
                ItSupport.Recorder received = new ItSupport.Recorder(true);
                await(client.subscribe(topic, 1, received));
                await(client.publish(OutboundMessage.of(topic, utf8("with the new token"), 1)));
                await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);
                seen.append(client).append(client.options());
            } finally {
                client.close();
            }
            logs.lines().forEach(l -> seen.append(l.all()).append('\n'));
            assertThat(logs.lines()).isNotEmpty();
        }
        assertThat(seen.toString()).doesNotContain(OLD_TOKEN, NEW_TOKEN);
    }
}
