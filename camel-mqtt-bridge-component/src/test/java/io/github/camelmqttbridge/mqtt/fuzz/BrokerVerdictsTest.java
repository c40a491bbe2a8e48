package io.github.camelmqttbridge.mqtt.fuzz;

import static io.github.camelmqttbridge.mqtt.fuzz.Packets.bytes;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.concat;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.packet;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.props;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionClosedByBrokerException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import io.github.camelmqttbridge.mqtt.error.MqttSubscribeRefusedException;
import io.github.camelmqttbridge.mqtt.fuzz.FakeBroker.Packet;
import io.github.camelmqttbridge.mqtt.fuzz.FakeBroker.Session;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the client does with what the broker said or did (MQTT 5 reason codes, Server Reference, a close right after
 * a SUBSCRIBE, session present), against a scripted broker so that every verdict can be played exactly.
 */
class BrokerVerdictsTest {

    private static final int CONNECT = 1;
    private static final int SUBSCRIBE = 8;
    private static final int PUBREL = 6;
    private static final int DISCONNECT = 14;

    private static MqttClientOptions.Builder options(FakeBroker broker) {
        return MqttClientOptions.builder().serverUri(broker.url()).clientId("verdicts").version(MqttVersion.V5)
                .minReconnectDelay(Duration.ofMillis(50)).maxReconnectDelay(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(5)).keepAliveSeconds(0);
    }

    private static byte[] connack(boolean sessionPresent) {
        return packet(0x20, concat(bytes(sessionPresent ? 1 : 0, 0), props()));
    }

    private static byte[] connackRefused(int code, byte[] properties) {
        return packet(0x20, concat(bytes(0, code), properties));
    }

    private static byte[] disconnect(int code, byte[] properties) {
        return packet(0xE0, concat(bytes(code), properties));
    }

    private static byte[] serverReference(String reference) {
        return props(concat(bytes(0x1C), str(reference)));
    }

    /** Accepts the client's next connection and reads its CONNECT; returns the session and the connect flags. */
    private static Session accept(FakeBroker broker, int[] connectFlags) throws Exception {
        Session s = broker.accept(15_000);
        s.readTimeout(10_000);
        Packet connect = s.readPacket();
        assertThat(connect).isNotNull();
        assertThat(connect.type()).isEqualTo(CONNECT);
        if (connectFlags != null) {
            connectFlags[0] = connect.body()[7] & 0xFF;
        }
        return s;
    }

    private static final class Reconnects implements ConnectionListener {
        final List<Long> delays = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void reconnecting(int attempt, long delayMillis, Throwable lastError) {
            delays.add(delayMillis);
            errors.add(lastError);
        }
    }

    @Test
    void aSessionTakenOverWaitsTheLongestDelayEachTimeAndIsLoggedOnceAMinute() throws Exception {
        // Two replicas with one client id took the session from each other 24 times in 5 s, forever.
        try (FakeBroker broker = new FakeBroker(); LogCapture log = LogCapture.start()) {
            MqttClient client = new MqttClient(options(broker).maxReconnectDelay(Duration.ofMillis(1200)).build());
            Reconnects reconnects = new Reconnects();
            client.addConnectionListener(reconnects);
            try {
                CompletableFuture<ConnectResult> connected = client.connect();
                for (int i = 0; i < 3; i++) {
                    try (Session s = accept(broker, null)) {
                        s.send(connack(false));
                        if (i == 0) {
                            connected.get(10, TimeUnit.SECONDS);
                        }
                        s.send(disconnect(0x8E, props()));
                        s.awaitClientClose(5_000);
                    }
                    int seen = i + 1;
                    await().atMost(Duration.ofSeconds(10)).until(() -> reconnects.delays.size() >= seen);
                }
                assertThat(client.lastError()).isInstanceOf(MqttServerDisconnectException.class)
                        .hasMessageContaining("session taken over (0x8E)").hasMessageContaining("same client id");
            } finally {
                client.close();
            }
            assertThat(reconnects.delays).as("each take-over waits half to all of maxReconnectDelay")
                    .allSatisfy(d -> assertThat(d).isBetween(600L, 1200L));
            assertThat(log.lines()).filteredOn(l -> l.level().equals("WARN") && l.message().contains("session taken over"))
                    .as("one line a minute, not one per take-over").hasSize(1);
        }
    }

    @Test
    void connectionsThatEndRightAfterConnackBackOffGrowingInsteadOfStartingOverAtEachConnack() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).build());
            Reconnects reconnects = new Reconnects();
            client.addConnectionListener(reconnects);
            try {
                client.connect();
                for (int i = 0; i < 6; i++) {
                    try (Session s = accept(broker, null)) {
                        // accepted, then closed at once (as RabbitMQ did after its PUBACK to our QoS 2): TCP delivers
                        // the CONNACK before the FIN, so each is an accepted connection that ended early
                        s.send(connack(false));
                    }
                    int seen = i + 1;
                    await().atMost(Duration.ofSeconds(10)).until(() -> reconnects.delays.size() >= seen);
                }
            } finally {
                client.close();
            }
            assertThat(reconnects.errors).allSatisfy(e -> assertThat(e).isInstanceOf(MqttConnectionClosedByBrokerException.class));
            // a broker that keeps closing accepted connections without a reason: what a take-over looks like on
            // MQTT 3.1.1 brokers and Mosquitto 2.0 (no DISCONNECT 0x8E), so the error says it
            assertThat(reconnects.errors.get(0).getMessage()).doesNotContain("client id");
            assertThat(reconnects.errors.get(1).getMessage()).contains("2 times in a row")
                    .contains("another client connecting with client id 'verdicts'");
            // ceilings 50, 100, 200, 400, 800, 1600 ms; each delay is in [ceiling/2, ceiling]
            assertThat(reconnects.delays.get(5)).as("delays %s", reconnects.delays).isGreaterThanOrEqualTo(800);
            assertThat(reconnects.delays.get(4)).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void useAnotherServerAndServerMovedFollowTheServerReference() throws Exception {
        try (FakeBroker a = new FakeBroker(); FakeBroker b = new FakeBroker()) {
            MqttClient client = new MqttClient(options(a).build());
            try {
                CompletableFuture<ConnectResult> connected = client.connect();
                try (Session s = accept(a, null)) {
                    s.send(connackRefused(0x9C, serverReference("127.0.0.1:" + b.port())));
                    s.awaitClientClose(5_000);
                }
                try (Session s = accept(b, null)) {
                    s.send(connack(false));
                    assertThat(connected.get(10, TimeUnit.SECONDS).serverUri()).isEqualTo(b.url());
                    s.send(disconnect(0x9D, serverReference("127.0.0.1:" + a.port())));
                    s.awaitClientClose(5_000);
                }
                try (Session s = accept(a, null)) {
                    s.send(connack(false));
                    await().atMost(Duration.ofSeconds(10)).until(client::isConnected);
                    assertThat(client.connectResult().serverUri()).isEqualTo(a.url());
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aBrokerThatClosesTheConnectionOnOurSubscribeGetsItNamedAndTheSubscriptionGivenUp() throws Exception {
        // RabbitMQ refuses a forbidden SUBSCRIBE by closing the connection: before, 313 reconnects, then
        // "no answer within 35000 ms", and nothing said that the broker closed on the SUBSCRIBE.
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).version(MqttVersion.V3_1_1).build());
            try {
                CompletableFuture<SubscribeResult> subscribed = client.subscribe("forbidden/x/#", 1, m -> { });
                client.connect();
                for (int i = 0; i < 3; i++) {
                    try (Session s = accept(broker, null)) {
                        s.send(bytes(0x20, 0x02, 0x00, 0x00));
                        assertThat(s.readPacket().type()).isEqualTo(SUBSCRIBE);
                    }
                }
                Throwable refusal = failure(subscribed, 15);
                assertThat(refusal).isInstanceOf(MqttSubscribeRefusedException.class)
                        .hasMessageContaining("'forbidden/x/#'")
                        .hasMessageContaining("closed the connection right after our SUBSCRIBE")
                        .hasMessageContaining("3 times in a row");
                assertThat(client.lastError()).hasMessageContaining("after our SUBSCRIBE to 'forbidden/x/#'");

                try (Session s = accept(broker, null)) {
                    s.send(bytes(0x20, 0x02, 0x00, 0x00));
                    FakeBroker.Outcome after = s.awaitClientClose(700);
                    assertThat(after.received()).as("the refused subscription is not sent again")
                            .noneMatch(p -> p.type() == SUBSCRIBE);
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aBrokerThatClosesTheConnectionOnOurQos2PublishGetsItNamedAndTheMessageGivenUp() throws Exception {
        // NATS closes the connection on a QoS 2 PUBLISH: before, the engine re-sent it after every reconnect, 137 times
        // in 15 s, and the publish neither failed nor completed.
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).version(MqttVersion.V3_1_1).build());
            try {
                client.connect();
                CompletableFuture<PublishResult> published = null;
                for (int i = 0; i < 3; i++) {
                    try (Session s = accept(broker, null)) {
                        s.send(bytes(0x20, 0x02, 0x00, 0x00));
                        if (published == null) {
                            published = client.publish(OutboundMessage.of("nats/q2", new byte[] {1}, 2));
                        }
                        assertThat(s.readPacket().type()).isEqualTo(3);
                    }
                }
                Throwable refusal = failure(published, 15);
                assertThat(refusal).hasMessageContaining("'nats/q2'")
                        .hasMessageContaining("closed the connection right after this QoS 2 PUBLISH")
                        .hasMessageContaining("3 times in a row");
                try (Session s = accept(broker, null)) {
                    s.send(bytes(0x20, 0x02, 0x00, 0x00));
                    CompletableFuture<PublishResult> q1 = client.publish(OutboundMessage.of("nats/q1", new byte[] {2}, 1));
                    Packet next = s.readPacket();
                    assertThat(next.type()).as("the refused message is not sent again; the next one is").isEqualTo(3);
                    assertThat(next.header() & 0x06).as("QoS 1").isEqualTo(0x02);
                    s.send(packet(0x40, bytes(next.body()[9], next.body()[10])));
                    assertThat(q1.get(10, TimeUnit.SECONDS).qos()).isEqualTo(1);
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aPublisherResumingASessionItHoldsNoStateOfStartsANewOne() throws Exception {
        // persistence=memory, restarted: the broker may still hold QoS 2 packet ids of the earlier run, and would
        // swallow new messages that reuse them. MQTT 5 3.2.2-4: close, and start a new session.
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).cleanStart(false).sessionExpiryInterval(3600).build());
            try {
                CompletableFuture<ConnectResult> connected = client.connect();
                int[] flags = new int[1];
                try (Session s = accept(broker, flags)) {
                    assertThat(flags[0] & 0x02).as("first CONNECT resumes (cleanStart=false)").isZero();
                    s.send(connack(true));
                    FakeBroker.Outcome closed = s.awaitClientClose(5_000);
                    assertThat(closed.clientClosed()).isTrue();
                    assertThat(closed.disconnectReason()).isZero();
                }
                try (Session s = accept(broker, flags)) {
                    assertThat(flags[0] & 0x02).as("then a clean start").isEqualTo(0x02);
                    s.send(connack(false));
                    assertThat(connected.get(10, TimeUnit.SECONDS).sessionPresent()).isFalse();
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void aConsumerKeepsTheSessionTheBrokerResumedAndReleasesEachPacketIdBeforeUsingIt() throws Exception {
        // A consumer with persistence=memory: the broker's session holds what was queued for it while it was away,
        // which a clean start would throw away. Kept; its own packet ids are proven free before use.
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).cleanStart(false).sessionExpiryInterval(3600).build());
            try {
                client.subscribe("queued/#", 1, m -> m.acknowledge());
                CompletableFuture<ConnectResult> connected = client.connect();
                try (Session s = accept(broker, null)) {
                    s.send(connack(true));
                    assertThat(connected.get(10, TimeUnit.SECONDS).sessionPresent()).isTrue();
                    Packet subscribe = s.readPacket();
                    assertThat(subscribe.type()).isEqualTo(SUBSCRIBE);
                    s.send(packet(0x90, concat(bytes(subscribe.body()[0], subscribe.body()[1]), props(), bytes(1))));
                    CompletableFuture<PublishResult> published = client.publish(OutboundMessage.of("out", new byte[] {1}, 2));
                    Packet first = s.readPacket();
                    assertThat(first.type()).as("PUBREL before the first PUBLISH with that id").isEqualTo(PUBREL);
                    s.send(packet(0x70, concat(bytes(first.body()[0], first.body()[1]), bytes(0x92), props())));
                    Packet publish = s.readPacket();
                    assertThat(publish.type()).isEqualTo(3);
                    assertThat(published).isNotDone();
                    assertThat(client.isConnected()).isTrue();
                }
            } finally {
                client.close();
            }
        }
    }

    @Test
    void sessionPresentAfterOurCleanStartIsAProtocolError() throws Exception {
        try (FakeBroker broker = new FakeBroker()) {
            MqttClient client = new MqttClient(options(broker).cleanStart(true).automaticReconnect(false).build());
            try {
                CompletableFuture<ConnectResult> connected = client.connect();
                try (Session s = accept(broker, null)) {
                    s.send(connack(true));
                    FakeBroker.Outcome closed = s.awaitClientClose(5_000);
                    assertThat(closed.disconnectReason()).isEqualTo(0x82);
                }
                assertThat(failure(connected, 10)).hasMessageContaining("session present = 1");
            } finally {
                client.close();
            }
        }
    }

    private static Throwable failure(CompletableFuture<?> f, int seconds) throws Exception {
        try {
            f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("did not fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
