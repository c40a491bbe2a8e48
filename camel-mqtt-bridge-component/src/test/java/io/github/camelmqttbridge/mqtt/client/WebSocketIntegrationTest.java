package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker.ServerCertificate;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT over WebSocket against Mosquitto's {@code protocol websockets} listeners (plain and TLS), both protocol
 * versions, with messages crossing between a WebSocket client and a TCP client, a payload far larger than one
 * frame, and TLS host name verification on.
 */
class WebSocketIntegrationTest {

    private static TestCertificates certs;
    private static MosquittoBroker broker;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        certs = TestCertificates.generate();
        broker = MosquittoBroker.builder().webSockets().tls(certs, false).start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        MqttClient c = new MqttClient(b.build());
        resources.add(c);
        return c;
    }

    private static TlsOptions trustTestCa() {
        return TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray()).build();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wsCarriesMessagesBothWaysWithATcpClient(MqttVersion version) {
        MqttClient ws = client(options(broker.wsUrl(), version));
        MqttClient tcp = client(options(broker.tcpUrl(), version));
        ConnectResult connected = await(ws.connect());
        assertThat(connected.serverUri()).isEqualTo(broker.wsUrl());
        await(tcp.connect());
        String topic = uniqueTopic("ws");
        ItSupport.Recorder overWs = new ItSupport.Recorder(true);
        ItSupport.Recorder overTcp = new ItSupport.Recorder(true);
        await(ws.subscribe(topic + "/to-ws", 2, overWs));
        await(tcp.subscribe(topic + "/to-tcp", 2, overTcp));

        for (int qos = 0; qos <= 2; qos++) {
            await(tcp.publish(OutboundMessage.of(topic + "/to-ws", utf8("tcp->ws qos" + qos), qos)));
            await(ws.publish(OutboundMessage.of(topic + "/to-tcp", utf8("ws->tcp qos" + qos), qos)));
        }
        await().atMost(ItSupport.TIMEOUT).until(() -> overWs.messages.size() == 3 && overTcp.messages.size() == 3);
        assertThat(overWs.texts()).containsExactly("tcp->ws qos0", "tcp->ws qos1", "tcp->ws qos2");
        assertThat(overTcp.texts()).containsExactly("ws->tcp qos0", "ws->tcp qos1", "ws->tcp qos2");
    }

    @Test
    void aPayloadOfManyFramesArrivesWhole() {
        MqttClient ws = client(options(broker.wsUrl(), MqttVersion.V5));
        MqttClient tcp = client(options(broker.tcpUrl(), MqttVersion.V5));
        await(ws.connect());
        await(tcp.connect());
        String topic = uniqueTopic("ws-large");
        ItSupport.Recorder overWs = new ItSupport.Recorder(true);
        ItSupport.Recorder overTcp = new ItSupport.Recorder(true);
        await(ws.subscribe(topic, 1, overWs));
        await(tcp.subscribe(topic, 1, overTcp));
        // larger than Netty's default WebSocket frame limit (64 KiB), small enough for the paranoid leak detector
        byte[] large = new byte[300 * 1024 + 17];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31 + i / 1024);
        }
        // out over WebSocket in one frame, back to both clients
        await(ws.publish(OutboundMessage.of(topic, large, 1)));
        await().atMost(ItSupport.TIMEOUT).until(() -> overWs.messages.size() == 1 && overTcp.messages.size() == 1);
        assertThat(Arrays.equals(overWs.messages.get(0).payload(), large)).as("payload received over WebSocket").isTrue();
        assertThat(Arrays.equals(overTcp.messages.get(0).payload(), large)).as("payload received over TCP").isTrue();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void wssVerifiesTheHostNameAndCarriesMessages(MqttVersion version) {
        MqttClient wss = client(options(broker.wssUrl(), version).tls(trustTestCa()));
        await(wss.connect());
        String topic = uniqueTopic("wss");
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        await(wss.subscribe(topic, 2, received));
        await(wss.publish(OutboundMessage.of(topic, utf8("over wss"), 2)));
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);
        assertThat(received.texts()).containsExactly("over wss");
    }

    @Test
    void wssRefusesACertificateForAnotherHost() {
        try (MosquittoBroker wrongHost = MosquittoBroker.builder().webSockets().tls(certs, false, ServerCertificate.WRONG_HOST)
                .start()) {
            MqttClient wss = client(options(wrongHost.wssUrl(), MqttVersion.V5).tls(trustTestCa()).automaticReconnect(false));
            Throwable error = failure(wss.connect());
            assertThat(error).isInstanceOf(MqttConnectionLostException.class)
                    .hasMessageContaining(wrongHost.wssUrl())
                    .hasMessageContaining("not issued for this host name");
            assertThat(wss.isConnected()).isFalse();

            // the same broker with verification switched off explicitly: only the host name was wrong
            MqttClient unchecked = client(options(wrongHost.wssUrl(), MqttVersion.V5)
                    .tls(TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray())
                            .hostnameVerification(false).build()));
            await(unchecked.connect());
            assertThat(unchecked.isConnected()).isTrue();
        }
    }

    @Test
    void aWsClientReconnectsAfterTheBrokerRestarts() {
        try (MosquittoBroker own = MosquittoBroker.builder().webSockets().start()) {
            MqttClient ws = client(options(own.wsUrl(), MqttVersion.V5));
            ItSupport.Events events = new ItSupport.Events();
            ws.addConnectionListener(events);
            await(ws.connect());
            own.restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.has("connected reconnect=true"));
            String topic = uniqueTopic("ws-again");
            ItSupport.Recorder received = new ItSupport.Recorder(true);
            await(ws.subscribe(topic, 1, received));
            await(ws.publish(OutboundMessage.of(topic, utf8("after restart"), 1)));
            await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);
        }
    }
}
