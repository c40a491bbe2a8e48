package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.SHARED_MOSQUITTO;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.TIMEOUT;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.text;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueClientId;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.github.camelmqttbridge.testsupport.FreePorts;
import io.github.camelmqttbridge.testsupport.MosquittoBroker.ServerCertificate;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Mosquitto started per test with a generated configuration: passwords, ACL, TLS, restarts, fail-over, keep-alive. */
class MosquittoConfiguredIntegrationTest {

    private static final String PASSWORD = "s3cret-Pa55";
    private static TestCertificates certs;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private static String noCertificates;

    @BeforeAll
    static void certificates() {
        try {
            certs = TestCertificates.generate();
        } catch (LinkageError e) {
            // HiveMQ CE (test scope) pulls bcprov 1.78.1, which wins over the 1.81 that test-support's bcpkix
            // needs: certificate generation then fails. Needs a pom pin of bcprov-jdk18on to 1.81.
            noCertificates = "TestCertificates cannot run with this BouncyCastle mix (pin bcprov-jdk18on 1.81): " + e;
        }
    }

    private static void assumeCertificates() {
        org.junit.jupiter.api.Assumptions.assumeTrue(certs != null, () -> noCertificates);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        return track(new MqttClient(b.build()));
    }

    private MosquittoBroker withUsers() {
        return track(MosquittoBroker.builder().passwordFile(Map.of("alice", PASSWORD))
                .aclFile("user alice\ntopic readwrite allowed/#\n").start());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void goodCredentialsConnect(MqttVersion version) {
        MosquittoBroker broker = withUsers();
        MqttClient c = client(options(broker.tcpUrl(), version).userName("alice")
                .password(PASSWORD.getBytes(StandardCharsets.UTF_8)));
        assertThat(await(c.connect()).sessionPresent()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wrongPasswordIsRefusedInWordsWithoutShowingThePassword(MqttVersion version) {
        MosquittoBroker broker = withUsers();
        String wrong = "Wr0ng-" + PASSWORD;
        MqttClient c = client(options(broker.tcpUrl(), version).userName("alice").automaticReconnect(false)
                .password(wrong.getBytes(StandardCharsets.UTF_8)));
        Throwable error = failure(c.connect());
        // Mosquitto 2.0.11 answers a wrong password with "not authorized" (3.1.1 code 5 / MQTT 5 0x87), not with
        // "bad user name or password" (4 / 0x86): either way the code must come in words, the password never.
        assertThat(error).isInstanceOf(MqttConnectionRefusedException.class)
                .hasMessageContaining(version == MqttVersion.V5 ? "not authorized (0x87)" : "not authorized (3.1.1 return code 5)");
        assertThat(error.getMessage()).doesNotContain(wrong).doesNotContain(PASSWORD);
        assertThat(((MqttConnectionRefusedException) error).code()).isEqualTo(version == MqttVersion.V5 ? 0x87 : 5);
    }

    private TlsOptions.Builder trusting() {
        return TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray());
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void connectsOverTlsWithATrustStore(MqttVersion version) {
        assumeCertificates();
        MosquittoBroker broker = track(MosquittoBroker.builder().tls(certs, false).start());
        MqttClient c = client(options(broker.sslUrl(), version).tls(trusting().build()));
        await(c.connect());
        ItSupport.Recorder recorder = new ItSupport.Recorder(true);
        String topic = uniqueTopic("tls");
        await(c.subscribe(List.of(Subscription.of(topic, 2)), recorder));
        await(c.publish(OutboundMessage.of(topic, utf8("over TLS"), 2)));
        await().atMost(TIMEOUT).until(() -> recorder.messages.size() == 1);
        assertThat(text(recorder.messages.get(0))).isEqualTo("over TLS");
    }

    @Test
    void mutualTlsWithAClientKeyStore() {
        assumeCertificates();
        MosquittoBroker broker = track(MosquittoBroker.builder().tls(certs, true).start());
        MqttClient withCert = client(options(broker.sslUrl(), MqttVersion.V5)
                .tls(trusting().keyStore(certs.clientKeyStore(), certs.password().toCharArray()).build()));
        await(withCert.connect());
        MqttClient withoutCert = client(options(broker.sslUrl(), MqttVersion.V5).automaticReconnect(false)
                .tls(trusting().build()));
        Throwable error = failure(withoutCert.connect());
        assertThat(error).isInstanceOf(MqttClientException.class);
    }

    @Test
    void certificateForAnotherHostIsRefusedByDefault() {
        assumeCertificates();
        MosquittoBroker broker = track(MosquittoBroker.builder().tls(certs, false, ServerCertificate.WRONG_HOST).start());
        MqttClient c = client(options(broker.sslUrl(), MqttVersion.V5).automaticReconnect(false).tls(trusting().build()));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionLostException.class).hasMessageContaining("host name");
        // and accepted when host name verification is switched off explicitly
        MqttClient lax = client(options(broker.sslUrl(), MqttVersion.V5)
                .tls(trusting().hostnameVerification(false).build()));
        await(lax.connect());
    }

    @Test
    void untrustedCertificateIsRefusedWithAClearMessage() {
        assumeCertificates();
        MosquittoBroker broker = track(MosquittoBroker.builder()
                .tls(certs, false, ServerCertificate.UNTRUSTED_SELF_SIGNED).start());
        MqttClient c = client(options(broker.sslUrl(), MqttVersion.V5).automaticReconnect(false).tls(trusting().build()));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionLostException.class).hasMessageContaining("not trusted");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void reconnectsAfterTheBrokerIsKilledAndRestarted(MqttVersion version) {
        MosquittoBroker broker = track(MosquittoBroker.builder().persistence(true).start());
        String topic = uniqueTopic("restart");
        MqttClient c = client(options(broker.tcpUrl(), version).clientId(uniqueClientId("survivor")).cleanStart(false)
                .sessionExpiryInterval(version == MqttVersion.V5 ? 600 : 0));
        ItSupport.Events events = new ItSupport.Events();
        c.addConnectionListener(events);
        ItSupport.Recorder recorder = new ItSupport.Recorder(true);
        await(c.connect());
        await(c.subscribe(List.of(Subscription.of(topic, 1)), recorder));

        broker.kill();
        await().atMost(TIMEOUT).until(() -> events.has("lost: "));
        broker.restart();
        await().atMost(TIMEOUT).until(() -> events.has("connected reconnect=true"));
        assertThat(events.indexOf("lost: ")).isLessThan(events.indexOf("connected reconnect=true"));
        assertThat(events.events.get(0)).isEqualTo("connected reconnect=false");
        assertThat(c.metrics().reconnects()).isGreaterThanOrEqualTo(1);

        // still subscribed (the subscription survived in the broker's persistence, or was made again)
        await(c.publish(OutboundMessage.of(topic, utf8("after restart"), 1)));
        await().atMost(TIMEOUT).until(() -> recorder.texts().contains("after restart"));
    }

    @Test
    void failsOverFromADeadServerToALiveOne() {
        int dead = FreePorts.find();
        MqttClient c = client(options("tcp://127.0.0.1:" + dead + "," + SHARED_MOSQUITTO, MqttVersion.V5));
        ConnectResult result = await(c.connect());
        assertThat(result.serverUri()).isEqualTo(SHARED_MOSQUITTO);
    }

    @Test
    void failsWhenEveryServerIsDead() {
        MqttClient c = client(options("tcp://127.0.0.1:" + FreePorts.find() + ",tcp://127.0.0.1:" + FreePorts.find(),
                MqttVersion.V5).automaticReconnect(false));
        assertThat(failure(c.connect())).isInstanceOf(MqttConnectionLostException.class).hasMessageContaining("Cannot connect");
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void keepAliveDetectsABlackHoledPathAndReconnectsAfterwards(MqttVersion version) {
        TcpProxy proxy = track(TcpProxy.start("127.0.0.1", 1883));
        MqttClient c = client(options(proxy.tcpUrl(), version).keepAliveSeconds(2).connectTimeout(Duration.ofSeconds(3)));
        ItSupport.Events events = new ItSupport.Events();
        c.addConnectionListener(events);
        await(c.connect());

        proxy.blackhole();
        long cut = System.nanoTime();
        // 1.375 keep-alives after the last byte read at most (KeepAliveHandler); the rest is headroom for a loaded machine
        await().atMost(Duration.ofSeconds(8)).until(() -> events.has("lost: "));
        long detectedMillis = (System.nanoTime() - cut) / 1_000_000;
        assertThat(events.events.get(events.indexOf("lost: "))).contains("PINGRESP");
        assertThat(detectedMillis).isGreaterThanOrEqualTo(1500);

        proxy.restore();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.has("connected reconnect=true"));
        assertThat(c.isConnected()).isTrue();
        String topic = uniqueTopic("after-blackhole");
        ItSupport.Recorder recorder = new ItSupport.Recorder(true);
        await(c.subscribe(List.of(Subscription.of(topic, 1)), recorder));
        await(c.publish(OutboundMessage.of(topic, utf8("alive"), 1)));
        await().atMost(TIMEOUT).until(() -> recorder.messages.size() == 1);
    }
}
