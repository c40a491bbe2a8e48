package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import io.github.camelmqttbridge.mqtt.auth.MqttAuthenticationException;
import io.github.camelmqttbridge.mqtt.auth.ScramAuthenticator;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import io.github.camelmqttbridge.mqtt.fuzz.LogCapture;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MQTT 5 enhanced authentication with the shipped SCRAM authenticator against HiveMQ CE, whose in-test extension
 * runs Kafka's SCRAM server: the AUTH exchange at connect, re-authentication on the live connection (asked for and
 * periodic), and the refusals in words (0x86, 0x87, 0x8C), plus a broker that cannot prove it knows the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnhancedAuthIntegrationTest {

    private static final String PASSWORD = "Scram-3e9a1f-secret";
    private HiveMqScramBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        broker = new HiveMqScramBroker(dir);
        broker.user("alice", PASSWORD);
        broker.user(HiveMqScramBroker.IMPOSTOR, PASSWORD);
    }

    @AfterAll
    void stop() throws Exception {
        broker.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(MqttClient::close);
        clients.clear();
        broker.user("alice", PASSWORD);
    }

    private MqttClient client(EnhancedAuthenticator authenticator, MqttClientOptions.Builder extra) {
        MqttClient c = new MqttClient(extra.enhancedAuthenticator(authenticator).build());
        clients.add(c);
        return c;
    }

    private MqttClientOptions.Builder opts() {
        return options(broker.url(), MqttVersion.V5);
    }

    private void roundTrip(MqttClient c, String text) {
        String topic = uniqueTopic("scram");
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        await(c.subscribe(topic, 1, received));
        await(c.publish(OutboundMessage.of(topic, utf8(text), 1)));
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);
        assertThat(received.texts()).containsExactly(text);
    }

    @ParameterizedTest
    @ValueSource(strings = { "SCRAM-SHA-256", "SCRAM-SHA-512" })
    void scramConnectsAndReauthenticatesOnTheLiveConnection(String method) {
        ItSupport.Events events = new ItSupport.Events();
        MqttClient c = client(ScramAuthenticator.forMethod(method, "alice", PASSWORD.toCharArray()), opts());
        c.addConnectionListener(events);
        int before = broker.events.size();
        await(c.connect());
        assertThat(broker.events.subList(before, broker.events.size()))
                .containsExactly("connect " + method + " n=alice", "accepted alice");
        roundTrip(c, "after " + method);

        await(c.reauthenticate());
        await(c.reauthenticate());
        assertThat(broker.events.subList(before, broker.events.size())).containsExactly(
                "connect " + method + " n=alice", "accepted alice",
                "reauth " + method + " n=alice", "accepted alice",
                "reauth " + method + " n=alice", "accepted alice");
        roundTrip(c, "after re-authentication");
        assertThat(events.events).as("one connection throughout").containsExactly("connected reconnect=false");
    }

    @Test
    void aWrongPasswordIsRefusedWithNotAuthorized() {
        MqttClient c = client(ScramAuthenticator.sha256("alice", "wrong".toCharArray()), opts().automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionRefusedException.class)
                .hasMessageContaining("not authorized (0x87)")
                .hasMessageContaining("refused our SCRAM-SHA-256 authentication");
        assertThat(((MqttConnectionRefusedException) error).code()).isEqualTo(0x87);
    }

    @Test
    void anUnknownUserIsRefusedWithBadUserNameOrPassword() {
        MqttClient c = client(ScramAuthenticator.sha256("mallory", PASSWORD.toCharArray()), opts().automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionRefusedException.class)
                .hasMessageContaining("bad user name or password (0x86)");
        assertThat(((MqttConnectionRefusedException) error).code()).isEqualTo(0x86);
    }

    @Test
    void anUnknownMethodIsRefusedWithBadAuthenticationMethod() {
        EnhancedAuthenticator kerberos = new EnhancedAuthenticator() {
            @Override
            public String method() {
                return "GS2-KRB5";
            }

            @Override
            public Exchange start(String serverUri, boolean reauthentication) {
                return new Exchange() {
                    @Override
                    public byte[] initialData() {
                        return new byte[] { 1, 2, 3 };
                    }

                    @Override
                    public byte[] respond(byte[] challenge) {
                        throw new AssertionError("no challenge expected");
                    }

                    @Override
                    public void complete(byte[] serverFinalData) {
                    }
                };
            }
        };
        MqttClient c = client(kerberos, opts().automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionRefusedException.class)
                .hasMessageContaining("bad authentication method (0x8C)")
                .hasMessageContaining("does not accept the authentication method 'GS2-KRB5'");
    }

    @Test
    void aBrokerThatCannotProveItKnowsThePasswordIsNotUsed() {
        ItSupport.Events events = new ItSupport.Events();
        MqttClient c = client(ScramAuthenticator.sha256(HiveMqScramBroker.IMPOSTOR, PASSWORD.toCharArray()),
                opts().automaticReconnect(false));
        c.addConnectionListener(events);
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttAuthenticationException.class)
                .hasMessageContaining("server signature is wrong");
        assertThat(events.events).as("never reported as connected").isEmpty();
        assertThat(c.isConnected()).isFalse();
    }

    @Test
    void aRefusedReauthenticationEndsTheConnectionWithTheBrokersReason() {
        MqttClient c = client(ScramAuthenticator.sha256("alice", PASSWORD.toCharArray()), opts().automaticReconnect(false));
        await(c.connect());
        broker.user("alice", "changed-on-the-broker");
        Throwable error = failure(c.reauthenticate());
        assertThat(error).isInstanceOf(MqttServerDisconnectException.class).hasMessageContaining("not authorized (0x87)");
        await().atMost(ItSupport.TIMEOUT).until(() -> !c.isConnected());
    }

    @Test
    void reauthenticateIntervalReauthenticatesPeriodically() {
        MqttClient c = client(ScramAuthenticator.sha256("alice", PASSWORD.toCharArray()),
                opts().reauthenticateInterval(Duration.ofMillis(300)));
        await(c.connect());
        long before = broker.events.stream().filter(e -> e.equals("reauth SCRAM-SHA-256 n=alice")).count();
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.events.stream()
                .filter(e -> e.equals("reauth SCRAM-SHA-256 n=alice")).count() >= before + 3);
        roundTrip(c, "still connected");
    }

    @Test
    void theScramPasswordAppearsInNoLog() {
        StringBuilder seen = new StringBuilder();
        try (LogCapture logs = LogCapture.everything()) {
            MqttClient good = client(ScramAuthenticator.sha256("alice", PASSWORD.toCharArray()), opts());
            await(good.connect());
            await(good.reauthenticate());
            MqttClient bad = client(ScramAuthenticator.sha256("alice", (PASSWORD + "x").toCharArray()),
                    opts().automaticReconnect(false));
            seen.append(failure(bad.connect())).append(good).append(good.options()).append(bad.options());
            logs.lines().forEach(l -> seen.append(l.all()).append('\n'));
            assertThat(logs.lines()).isNotEmpty();
        }
        assertThat(seen.toString()).doesNotContain(PASSWORD).contains("SCRAM-SHA-256");
    }
}
