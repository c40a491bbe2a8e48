package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.text;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueClientId;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.FileSessionStore;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A subscriber with a FileSessionStore and manual acks is cut off in the middle of a 2000-message stream
 * (connection reset, then close() without acking what it holds) and restarted as a new MqttClient on the
 * same directory and client id. Across both incarnations every number must be acknowledged at least once
 * (QoS 1) or exactly once (QoS 2).
 */
class PersistentSessionIntegrationTest {

    private static final int N = 2000;
    private static final int ACKED_BEFORE_CRASH = 700;
    private static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() {
        // A private broker: the backlog of an offline session must not hit the default max_queued_messages 1000.
        broker = MosquittoBroker.builder().extraConfig("max_queued_messages 100000").start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "MQTT {0} QoS {1}")
    @CsvSource({"V5,1", "V5,2", "V3_1_1,1", "V3_1_1,2"})
    void restartedFileStoreClientResumesTheStream(MqttVersion version, int qos, @TempDir Path storeDir) throws Exception {
        String topic = uniqueTopic("stream");
        String clientId = uniqueClientId("resume");
        Map<Integer, AtomicInteger> acked = new ConcurrentHashMap<>();
        AtomicInteger firstDelivered = new AtomicInteger();
        AtomicInteger firstAcked = new AtomicInteger();

        TcpProxy proxy = TcpProxy.start("127.0.0.1", broker.port());
        MqttClient first = new MqttClient(persistent(version, proxy.tcpUrl(), clientId, storeDir)
                .automaticReconnect(false).build());
        MqttClient second = null;
        // Mosquitto 2.0.11 strands QoS 2 messages of a 3.1.1 publisher with more than 20 in flight (see
        // MosquittoIntegrationTest): keep the publisher within that.
        MqttClient publisher = new MqttClient(options(broker.tcpUrl(), version).maxInflight(20).build());
        try {
            CompletableFuture<SubscribeResult> subscribed = first.subscribe(List.of(Subscription.of(topic, qos)), m -> {
                firstDelivered.incrementAndGet();
                if (firstAcked.get() < ACKED_BEFORE_CRASH) {
                    firstAcked.incrementAndGet();
                    acked.computeIfAbsent(Integer.parseInt(text(m)), k -> new AtomicInteger()).incrementAndGet();
                    m.acknowledge();
                }
            });
            await(first.connect());
            await(subscribed);

            await(publisher.connect());
            List<CompletableFuture<PublishResult>> published = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                published.add(publisher.publish(OutboundMessage.of(topic, utf8(Integer.toString(i)), qos)));
            }

            // the first incarnation has acknowledged its share and holds more it will never acknowledge
            await().atMost(Duration.ofSeconds(30)).until(() -> firstDelivered.get() > ACKED_BEFORE_CRASH + 5);
            proxy.dropAll();
            first.close();

            second = new MqttClient(persistent(version, broker.tcpUrl(), clientId, storeDir).build());
            CompletableFuture<SubscribeResult> resubscribed = second.subscribe(List.of(Subscription.of(topic, qos)), m -> {
                acked.computeIfAbsent(Integer.parseInt(text(m)), k -> new AtomicInteger()).incrementAndGet();
                m.acknowledge();
            });
            ConnectResult resumed = await(second.connect());
            assertThat(resumed.sessionPresent()).isTrue();
            await(resubscribed);

            for (CompletableFuture<PublishResult> f : published) {
                await(f);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() == N);
            // a marker after the stream: anything the broker still had to redeliver has arrived before it
            await(publisher.publish(OutboundMessage.of(topic, utf8(Integer.toString(N)), qos)));
            await().atMost(Duration.ofSeconds(15)).until(() -> acked.containsKey(N));
            acked.remove(N);

            assertThat(acked.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, N).boxed().toList());
            if (qos == 2) {
                Map<Integer, Integer> twice = acked.entrySet().stream().filter(e -> e.getValue().get() > 1)
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
                assertThat(twice).as("QoS 2 messages delivered again after they were acknowledged").isEmpty();
            }
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
            publisher.close();
            proxy.close();
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @CsvSource({"V5", "V3_1_1"})
    void restartedClientResubscribesFromTheFileStoreWhenTheBrokerLostTheSession(MqttVersion version,
            @TempDir Path storeDir) throws Exception {
        String topic = uniqueTopic("resubscribe");
        String clientId = uniqueClientId("resub");
        try (MqttClient first = new MqttClient(persistent(version, broker.tcpUrl(), clientId, storeDir).build())) {
            CompletableFuture<SubscribeResult> subscribed = first.subscribe(List.of(Subscription.of(topic, 1)), m -> { });
            await(first.connect());
            await(subscribed);
        }
        try (FileSessionStore store = new FileSessionStore(storeDir)) {
            assertThat(store.open(clientId).subscriptions()).as("subscriptions in the file store after close")
                    .extracting(s -> s.topicFilter()).containsExactly(topic);
        }
        // the broker forgets the session
        try (MqttClient cleaner = new MqttClient(options(broker.tcpUrl(), version).clientId(clientId).build())) {
            await(cleaner.connect());
        }
        try (MqttClient second = new MqttClient(persistent(version, broker.tcpUrl(), clientId, storeDir).build());
                MqttClient publisher = new MqttClient(options(broker.tcpUrl(), version).build())) {
            ItSupport.Events events = new ItSupport.Events();
            second.addConnectionListener(events);
            assertThat(await(second.connect()).sessionPresent()).isFalse();
            await(publisher.connect());
            // no subscribe() call: the stored subscription is made again, the message waits for a listener
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                await(publisher.publish(OutboundMessage.of(topic, utf8("after restart"), 1)));
                return second.metrics().received() > 0;
            });
            ItSupport.Recorder recorder = new ItSupport.Recorder(true);
            await(second.subscribe(List.of(Subscription.of(topic, 1)), recorder));
            await().atMost(Duration.ofSeconds(15)).until(() -> !recorder.messages.isEmpty());
            assertThat(text(recorder.messages.get(0))).isEqualTo("after restart");
        }
    }

    private static MqttClientOptions.Builder persistent(MqttVersion version, String uri, String clientId, Path dir) {
        return options(uri, version).clientId(clientId).cleanStart(false).ackMode(AckMode.MANUAL)
                .sessionExpiryInterval(version == MqttVersion.V5 ? 600 : 0)
                .sessionStore(() -> new FileSessionStore(dir));
    }
}
