package io.github.camelmqttbridge.interop;

import static io.github.camelmqttbridge.interop.Clients.TIMEOUT;
import static io.github.camelmqttbridge.interop.Clients.await;
import static io.github.camelmqttbridge.interop.Clients.failure;
import static io.github.camelmqttbridge.interop.Clients.uniqueClientId;
import static io.github.camelmqttbridge.interop.Clients.uniqueTopic;
import static io.github.camelmqttbridge.interop.Clients.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.interop.InteropBroker.Qos2Publish;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.FileSessionStore;
import io.github.camelmqttbridge.testsupport.ChildProcess;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broker-neutral scenario set: each broker's test class extends this and only starts its broker
 * ({@link #startBroker}); the scenarios run for every protocol version (and QoS) its {@link Capabilities} list and
 * adapt their expectations to what it declares (a QoS 2 subscription granted as QoS 1, a refusal by closing the
 * connection). Every run writes a result row ({@link InteropResults}); the table is rebuilt after each class
 * ({@link InteropTable}).
 * <p>
 * All clients connect as the broker's user: every broker runs with authentication, so the wrong password and the
 * refused subscription are real refusals by the broker's own authorization.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(InteropResults.class)
abstract class InteropScenarios {

    /** Unconfirmed publishes at a time (HiveMQ CE's Receive Maximum is 10). */
    static final int PUBLISH_WINDOW = 10;
    /** The restarted consumer's Receive Maximum: the bound of QoS 1 duplicates per interruption. */
    static final int CONSUMER_WINDOW = 20;
    private static final String MARKER = "end";
    /** What tells that mosquitto_sub has subscribed (it prints nothing when it has). */
    private static final String PROBE = "probe";

    private InteropBroker broker;
    private Path workDir;

    /** Starts the broker under test; called once per class. */
    protected abstract InteropBroker startBroker(Path workDir) throws Exception;

    @BeforeAll
    void startBroker() throws Exception {
        workDir = Files.createTempDirectory("interop-");
        broker = startBroker(workDir);
        InteropResults.reset(broker.id());
    }

    @AfterAll
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
        InteropTable.write();
    }

    protected final InteropBroker broker() {
        return broker;
    }

    static int messages() {
        return Integer.getInteger("interop.messages", 200);
    }

    Stream<MqttVersion> versions() {
        return broker.capabilities().versions().stream();
    }

    Stream<Arguments> versionsAndQos() {
        return versions().flatMap(v -> Stream.of(0, 1, 2).map(q -> Arguments.of(v, q)));
    }

    Stream<Arguments> versionsAndQos1And2() {
        return versions().flatMap(v -> Stream.of(1, 2).map(q -> Arguments.of(v, q)));
    }

    private Capabilities caps() {
        return broker.capabilities();
    }

    // ---- the numbered stream ----

    /**
     * Our publisher, our consumer: the consumer (persistent session, file session store, manual acks) acknowledges
     * the first quarter of the stream, holds what comes after unacknowledged, loses its connection (reset) and is
     * closed; a quarter is published while it is away, then a new client on the same client id and store resumes
     * the session and the rest follows. QoS 1 and 2: nothing lost; QoS 1 duplicates within the consumer window;
     * QoS 2 none, unless the broker is known to duplicate by itself (then shown with mosquitto_sub too).
     */
    @ParameterizedTest(name = "MQTT {0} QoS {1}")
    @MethodSource("versionsAndQos")
    void numberedStreamFromOurPublisherWithTheConsumerRestarted(MqttVersion version, int qos) throws Exception {
        ResultRow row = InteropResults.begin(broker, Scenario.STREAM_OURS, version, qos);
        try (StreamPublisher publisher = StreamPublisher.ours(broker, version)) {
            stream(row, version, qos, publisher);
        }
    }

    /** The same with messages from another client library (Eclipse Paho, 3.1.1 or 5 as the consumer). */
    @ParameterizedTest(name = "MQTT {0} QoS {1}")
    @MethodSource("versionsAndQos1And2")
    void numberedStreamFromPahoWithTheConsumerRestarted(MqttVersion version, int qos) throws Exception {
        ResultRow row = InteropResults.begin(broker, Scenario.STREAM_PAHO, version, qos);
        try (StreamPublisher publisher = StreamPublisher.paho(broker, version)) {
            stream(row, version, qos, publisher);
        }
    }

    private void stream(ResultRow row, MqttVersion version, int subscribeQos, StreamPublisher publisher)
            throws Exception {
        int n = messages();
        int publishQos = Math.min(subscribeQos, caps().maxPublishQos());
        if (publishQos < subscribeQos) {
            row.note("no QoS 2 PUBLISH (" + caps().qos2Publish() + "): its QoS 2 streams are published at QoS 1");
        }
        String topic = uniqueTopic("stream");
        String clientId = uniqueClientId("consumer");
        Path store = Files.createTempDirectory(workDir, "store-");
        NumberedConsumer consumer = new NumberedConsumer(n / 4);
        boolean showThirdParty = subscribeQos == 2 && caps().duplicatesQos2AfterReconnect();
        URI uri = URI.create(broker.url());
        List<CompletableFuture<?>> confirmations = new CopyOnWriteArrayList<>();
        Semaphore window = new Semaphore(PUBLISH_WINDOW);
        try (TcpProxy proxy = TcpProxy.start(uri.getHost(), uri.getPort());
                MosquittoSub thirdParty = showThirdParty
                        ? new MosquittoSub(broker, topic, 2, workDir.resolve(clientId + "-mosquitto_sub.log")) : null) {
            MqttClient first = new MqttClient(consumerOptions(version, proxy.tcpUrl(), clientId, store)
                    .automaticReconnect(false).build());
            MqttClient second = null;
            try {
                await(first.connect());
                SubscribeResult subscribed = await(first.subscribe(List.of(Subscription.of(topic, subscribeQos)),
                        consumer::firstIncarnation));
                int granted = subscribed.filters().get(0).grantedQos();
                row.fact("granted", granted);
                if (thirdParty != null) {
                    thirdParty.start();
                    awaitSubscribed(thirdParty, topic);
                }
                publisher.connect();

                publish(publisher, topic, 0, n / 2, publishQos, window, confirmations);
                // at least one message delivered and held unacknowledged when the connection drops (HiveMQ CE sends
                // only one or two beyond the acknowledged ones, whatever our Receive Maximum)
                int heldBeyond = Math.min(publishQos, granted) == 0 ? 0 : 1;
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(consumer.firstDelivered())
                        .as("delivered to the first consumer (it acknowledged %d)", consumer.firstAcked())
                        .isGreaterThanOrEqualTo(n / 4 + heldBeyond));
                proxy.dropAll(); // a connection reset: nothing more is acknowledged, no DISCONNECT
                first.close();
                if (thirdParty != null) {
                    thirdParty.stop();
                }

                publish(publisher, topic, n / 2, 3 * n / 4, publishQos, window, confirmations);
                awaitConfirmed(confirmations);
                second = new MqttClient(consumerOptions(version, broker.url(), clientId, store).build());
                CompletableFuture<SubscribeResult> resubscribed = second.subscribe(
                        List.of(Subscription.of(topic, subscribeQos)), consumer::secondIncarnation);
                long resumedAt = System.nanoTime();
                ConnectResult resumed = await(second.connect());
                await(resubscribed);
                row.fact("sessionPresent", resumed.sessionPresent());
                if (thirdParty != null) {
                    thirdParty.start();
                }

                publish(publisher, topic, 3 * n / 4, n, publishQos, window, confirmations);
                awaitConfirmed(confirmations);
                int effective = Math.min(publishQos, granted);
                if (effective > 0) {
                    await().atMost(Duration.ofSeconds(Math.max(60, n / 20))).untilAsserted(() -> assertThat(
                            consumer.distinct()).as("distinct numbers processed; %s", consumer.tally(n))
                            .isGreaterThanOrEqualTo(n));
                }
                row.fact("drainMs", (System.nanoTime() - resumedAt) / 1_000_000);
                // a marker after the stream: what the broker still had to redeliver arrives before it
                await(publisher.publish(topic, utf8(MARKER), publishQos));
                awaitQuietly(Duration.ofSeconds(15), consumer::markerSeen);
                if (thirdParty != null) {
                    awaitQuietly(Duration.ofSeconds(15), () -> thirdParty.received().containsKey(MARKER));
                }

                Tally tally = consumer.tally(n);
                row.fact("sent", n).fact("pubQos", publishQos).fact("received", tally.received())
                        .fact("lost", tally.lost()).fact("dup", tally.duplicates());
                if (tally.duplicates() > 0) {
                    row.fact("dupWithDupFlag0", consumer.duplicatesWithoutDupFlag());
                }
                if (thirdParty != null) {
                    Tally theirs = Tally.of(thirdParty.received(), n);
                    row.fact("mosquittoSubLost", theirs.lost()).fact("mosquittoSubDup", theirs.duplicates());
                    if (theirs.duplicates() > 0) {
                        row.note("delivers QoS 2 messages again after a subscriber reconnects, to mosquitto_sub too");
                    }
                }
                if (granted != subscribeQos) {
                    row.note("grants QoS " + granted + " for a QoS " + subscribeQos + " subscription");
                }
                assertThat(granted).as("QoS granted for a QoS %d subscription", subscribeQos)
                        .isEqualTo(subscribeQos == 2 ? caps().grantedForQos2() : subscribeQos);
                if (!resumed.sessionPresent() && effective == 0) {
                    row.note("keeps no persistent session whose subscriptions are all QoS 0 (session present = 0 "
                            + "when the subscriber came back)");
                }
                if (effective == 0) {
                    if (tally.lost() > 0) {
                        row.note("does not keep QoS 0 messages for an offline persistent session (allowed)");
                    }
                    assertThat(tally.duplicates()).as("QoS 0 duplicates; %s", tally).isZero();
                    return; // QoS 0 may lose what was sent while the consumer was away: reported, not asserted
                }
                assertThat(resumed.sessionPresent()).as("session present when the consumer came back").isTrue();
                assertThat(tally.lost()).as("lost at QoS %d; %s", effective, tally).isZero();
                if (effective == 2 && !caps().duplicatesQos2AfterReconnect()) {
                    assertThat(tally.duplicates()).as("QoS 2 duplicates; %s", tally).isZero();
                } else if (effective == 2) {
                    // the broker's own duplicates, not bounded by our window: shown by mosquitto_sub in the same run
                    Tally theirs = Tally.of(thirdParty.received(), n);
                    assertThat(tally.duplicates() == 0 || theirs.duplicates() > 0).as("our QoS 2 duplicates (%s) come"
                            + " with mosquitto_sub's in the same run (%s)", tally, theirs).isTrue();
                } else {
                    assertThat(tally.duplicates()).as("duplicates (bound: the consumer window of %d); %s",
                            CONSUMER_WINDOW, tally).isLessThanOrEqualTo(CONSUMER_WINDOW);
                }
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
    }

    /** mosquitto_sub prints nothing when subscribed: a probe message through it tells. */
    private void awaitSubscribed(MosquittoSub sub, String topic) {
        try (MqttClient probe = new MqttClient(Clients.options(broker, broker.url(), MqttVersion.V3_1_1).build())) {
            await(probe.connect());
            await().atMost(TIMEOUT).until(() -> {
                await(probe.publish(OutboundMessage.of(topic, utf8(PROBE), 0)));
                return sub.received().containsKey(PROBE);
            });
        }
    }

    private MqttClientOptions.Builder consumerOptions(MqttVersion version, String url, String clientId, Path store) {
        return Clients.options(broker, url, version).clientId(clientId).cleanStart(false)
                .sessionExpiryInterval(version == MqttVersion.V5 ? 600 : 0).ackMode(AckMode.MANUAL)
                .receiveMaximum(CONSUMER_WINDOW).sessionStore(() -> new FileSessionStore(store));
    }

    private static void publish(StreamPublisher publisher, String topic, int from, int to, int qos, Semaphore window,
            List<CompletableFuture<?>> confirmations) throws InterruptedException {
        for (int i = from; i < to; i++) {
            if (!window.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(publisher.name() + ": no confirmation for " + PUBLISH_WINDOW
                        + " publishes within " + TIMEOUT.toSeconds() + " s (at message " + i + ")");
            }
            CompletableFuture<?> confirmed = publisher.publish(topic, utf8(Integer.toString(i)), qos);
            confirmed.whenComplete((r, e) -> window.release());
            confirmations.add(confirmed);
        }
    }

    private static void awaitConfirmed(List<CompletableFuture<?>> confirmations) {
        for (CompletableFuture<?> f : confirmations) {
            await(f);
        }
    }

    /** Waits for a condition that may legitimately never hold (a QoS 0 marker); no failure if it does not. */
    private static void awaitQuietly(Duration atMost, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- retained, will ----

    /** The latest retained message reaches a subscriber that comes later, with the retain flag; an empty one clears it. */
    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void retainedMessageReachesALateSubscriber(MqttVersion version) throws Exception {
        ResultRow row = InteropResults.begin(broker, Scenario.RETAINED, version, null);
        Assumptions.assumeTrue(caps().retained(), InteropResults.NOT_APPLICABLE + "no retained messages");
        String topic = uniqueTopic("retained");
        try (MqttClient publisher = connected(version)) {
            await(publisher.publish(new OutboundMessage(topic, utf8("first"), 1, true, null)));
            await(publisher.publish(new OutboundMessage(topic, utf8("latest"), 1, true, null)));

            Recorder late = new Recorder();
            List<PahoSubscriber.Received> theirs;
            try (MqttClient subscriber = connected(version);
                    PahoSubscriber paho = PahoSubscriber.subscribe(broker, version, topic)) {
                await(subscriber.subscribe(List.of(Subscription.of(topic, 1)), late));
                await().atMost(TIMEOUT).until(() -> !late.messages.isEmpty());
                await(publisher.publish(OutboundMessage.of(topic, utf8("marker"), 1)));
                await().atMost(TIMEOUT).until(() -> late.texts().contains("marker")
                        && paho.received().stream().anyMatch(r -> r.text().equals("marker")));
                theirs = List.copyOf(paho.received());
            }
            row.fact("received", late.texts()).fact("retainFlag", late.messages.get(0).retain())
                    .fact("pahoRetainFlag", theirs.get(0).retained());
            assertThat(late.texts()).as("what a late subscriber got").containsExactly("latest", "marker");
            assertThat(theirs).as("what Paho got").extracting(PahoSubscriber.Received::text)
                    .containsExactly("latest", "marker");
            // MQTT-3.3.1-8 (3.1.1) / 3.3.1.3 (5): a retained message sent for a new subscription has RETAIN=1.
            // Our client reports the flag the broker sent: the same as Paho sees.
            assertThat(late.messages.get(0).retain()).as("retain flag of the retained message, as Paho saw it: %s",
                    theirs.get(0)).isEqualTo(theirs.get(0).retained());
            if (!theirs.get(0).retained()) {
                row.note("sends a retained message to a new subscriber without the RETAIN flag (against MQTT-3.3.1-8;"
                        + " Paho sees the same)");
            }
            assertThat(late.messages.get(1).retain()).as("retain flag of a live message").isFalse();

            await(publisher.publish(new OutboundMessage(topic, new byte[0], 1, true, null))); // clears it
            Recorder afterClear = new Recorder();
            try (MqttClient subscriber = connected(version)) {
                await(subscriber.subscribe(List.of(Subscription.of(topic, 1)), afterClear));
                await(publisher.publish(OutboundMessage.of(topic, utf8("marker"), 1)));
                await().atMost(TIMEOUT).until(() -> afterClear.texts().contains("marker"));
            }
            assertThat(afterClear.texts()).as("after the empty retained message").containsExactly("marker");
        }
    }

    /**
     * A child JVM connects with a will and is killed with SIGKILL (no DISCONNECT; the kernel closes its socket):
     * the broker publishes the will.
     */
    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void willIsPublishedWhenAClientJvmIsKilled(MqttVersion version) throws Exception {
        ResultRow row = InteropResults.begin(broker, Scenario.WILL, version, null);
        Assumptions.assumeTrue(caps().will(), InteropResults.NOT_APPLICABLE + "no will messages");
        String willTopic = uniqueTopic("will");
        String payload = "gone " + uniqueClientId("device");
        Recorder wills = new Recorder();
        try (MqttClient watcher = connected(version)) {
            await(watcher.subscribe(List.of(Subscription.of(willTopic, 1)), wills));
            AtomicBoolean connected = new AtomicBoolean();
            ProcessBuilder command = new ProcessBuilder(javaCommand(WillClientMain.class, broker.url(), version.name(),
                    broker.userName(), willTopic, payload));
            command.environment().put(WillClientMain.PASSWORD_VARIABLE, broker.password());
            ChildProcess child = ChildProcess.start("the will client", command,
                    workDir.resolve(uniqueClientId("will-client") + ".log"),
                    line -> connected.compareAndSet(false, line.contains(WillClientMain.CONNECTED)));
            try {
                child.awaitReady("connect with a will", Duration.ofSeconds(60), connected::get);
                child.kill();
                row.fact("exit", child.exitCode());
                await().atMost(Duration.ofSeconds(30)).until(() -> !wills.messages.isEmpty());
            } finally {
                child.kill();
            }
            assertThat(wills.texts()).as("wills received").containsExactly(payload);
            assertThat(wills.messages.get(0).qos()).as("QoS of the will").isEqualTo(1);
            assertThat(child.exitCode()).as("exit code of the killed JVM (128 + SIGKILL)").isEqualTo(137);
        }
    }

    private static List<String> javaCommand(Class<?> main, String... args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    // ---- refusals ----

    /** A wrong password fails connect() within seconds, and the error names the cause. */
    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void wrongPasswordIsAClearErrorWithinSeconds(MqttVersion version) {
        ResultRow row = InteropResults.begin(broker, Scenario.WRONG_PASSWORD, version, null);
        try (MqttClient client = new MqttClient(Clients.options(broker, broker.url(), version)
                .password(utf8("wrong-" + broker.password())).build())) {
            long started = System.nanoTime();
            Throwable error = failure(client.connect(), Duration.ofSeconds(15));
            row.fact("ms", (System.nanoTime() - started) / 1_000_000).fact("error", error.getMessage());
            assertThat(error.getMessage()).as("the error of a wrong password")
                    .containsPattern("(?i)not authori[sz]ed|bad user ?name or password");
        }
    }

    /**
     * A SUBSCRIBE the broker refuses fails within seconds with an error that names the filter and what the broker
     * did; the client does not fall into a reconnect loop, and stays usable for allowed subscriptions.
     */
    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void refusedSubscriptionIsAClearErrorWithinSeconds(MqttVersion version) {
        ResultRow row = InteropResults.begin(broker, Scenario.REFUSED_SUBSCRIBE, version, null);
        if (caps().subscribeRefusal() == InteropBroker.SubscribeRefusal.CONNECTION_CLOSED) {
            row.note("refuses a SUBSCRIBE by closing the connection (no SUBACK)");
        }
        String filter = broker.forbiddenPrefix() + uniqueTopic("refused").substring("interop/".length()) + "/#";
        try (MqttClient client = connected(version)) {
            long started = System.nanoTime();
            Throwable error = failure(client.subscribe(List.of(Subscription.of(filter, 1)), m -> { }),
                    Duration.ofSeconds(15));
            row.fact("ms", (System.nanoTime() - started) / 1_000_000).fact("error", error.getMessage());
            assertThat(error.getMessage()).as("the error of a refused subscription").contains(filter)
                    .containsPattern("(?i)refused|not authori[sz]ed|closed");
            long reconnectsAtFailure = client.metrics().reconnects();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                    .until(() -> client.metrics().reconnects() - reconnectsAtFailure <= 2);
            row.fact("reconnectsAfter", client.metrics().reconnects() - reconnectsAtFailure);

            String allowed = uniqueTopic("allowed");
            Recorder recorder = new Recorder();
            await(client.subscribe(List.of(Subscription.of(allowed, 1)), recorder));
            await(client.publish(OutboundMessage.of(allowed, utf8("still usable"), 1)));
            await().atMost(TIMEOUT).until(() -> recorder.texts().contains("still usable"));
        }
    }

    /**
     * Brokers without QoS 2: a QoS 2 PUBLISH answered with PUBACK completes as QoS 1 (a downgrade, never a loop);
     * one answered by closing the connection fails within seconds with an error that says so, without a reconnect
     * loop. Brokers with QoS 2 are covered by the QoS 2 streams.
     */
    @ParameterizedTest(name = "MQTT {0}")
    @MethodSource("versions")
    void qos2PublishToABrokerWithoutQos2(MqttVersion version) {
        ResultRow row = InteropResults.begin(broker, Scenario.QOS2_PUBLISH, version, 2);
        Assumptions.assumeTrue(caps().qos2Publish() != Qos2Publish.EXACTLY_ONCE,
                InteropResults.NOT_APPLICABLE + "exactly once (the QoS 2 streams)");
        String topic = uniqueTopic("qos2");
        Recorder recorder = new Recorder();
        try (MqttClient subscriber = connected(version); MqttClient publisher = connected(version)) {
            await(subscriber.subscribe(List.of(Subscription.of(topic, 1)), recorder));
            if (caps().qos2Publish() == Qos2Publish.ANSWERED_WITH_PUBACK) {
                row.note("answers a QoS 2 PUBLISH with PUBACK (a downgrade to QoS 1)");
                int count = 20;
                List<CompletableFuture<?>> published = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    published.add(publisher.publish(OutboundMessage.of(topic, utf8(Integer.toString(i)), 2)));
                }
                awaitConfirmed(published);
                await().atMost(TIMEOUT).until(() -> recorder.messages.size() >= count);
                row.fact("delivered", recorder.messages.size()).fact("reconnects", publisher.metrics().reconnects());
                assertThat(recorder.texts()).as("delivered").hasSize(count).doesNotHaveDuplicates();
                assertThat(publisher.metrics().reconnects()).as("reconnects of the publisher").isZero();
            } else {
                row.note("closes the connection on a QoS 2 PUBLISH");
                Throwable error = failure(publisher.publish(OutboundMessage.of(topic, utf8("q2"), 2)),
                        Duration.ofSeconds(15));
                row.fact("error", error.getMessage());
                assertThat(error.getMessage()).as("the error of a QoS 2 PUBLISH the broker closed the connection on")
                        .containsPattern("(?i)qos ?2|closed");
                long reconnectsAtFailure = publisher.metrics().reconnects();
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
                        .until(() -> publisher.metrics().reconnects() - reconnectsAtFailure <= 2);
                await(publisher.publish(OutboundMessage.of(topic, utf8("q1"), 1)));
                await().atMost(TIMEOUT).until(() -> recorder.texts().contains("q1"));
            }
        }
    }

    /** A broker without MQTT 5 refuses a version 5 CONNECT; connect() fails within seconds and says why. */
    @Test
    void mqtt5ConnectToABrokerWithoutMqtt5IsAClearError() {
        ResultRow row = InteropResults.begin(broker, Scenario.MQTT5_CONNECT, MqttVersion.V5, null);
        Assumptions.assumeFalse(caps().versions().contains(MqttVersion.V5),
                InteropResults.NOT_APPLICABLE + "speaks MQTT 5");
        try (MqttClient client = new MqttClient(Clients.options(broker, broker.url(), MqttVersion.V5).build())) {
            long started = System.nanoTime();
            Throwable error = failure(client.connect(), Duration.ofSeconds(15));
            row.fact("ms", (System.nanoTime() - started) / 1_000_000).fact("error", error.getMessage());
            assertThat(error.getMessage()).as("the error of an MQTT 5 CONNECT to an MQTT 3.1.1 broker")
                    .containsPattern("(?i)protocol version|MQTT 5|MQTT 3");
        }
    }

    // ---- helpers ----

    private MqttClient connected(MqttVersion version) {
        MqttClient client = new MqttClient(Clients.options(broker, broker.url(), version).build());
        try {
            await(client.connect());
        } catch (RuntimeException | AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Records messages and acknowledges them at once. */
    static final class Recorder implements io.github.camelmqttbridge.mqtt.message.MessageListener {
        final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(InboundMessage message) {
            messages.add(message);
            message.acknowledge();
        }

        List<String> texts() {
            return messages.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
        }
    }

    /** Lost and duplicated numbers of a stream 0..sent-1. */
    record Tally(int sent, long received, int lost, long duplicates, List<Integer> lostSample) {

        static Tally of(Map<String, AtomicInteger> counts, int sent) {
            long received = 0;
            long duplicates = 0;
            int distinct = 0;
            List<Integer> lostSample = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                AtomicInteger c = counts.get(Integer.toString(i));
                int times = c == null ? 0 : c.get();
                received += times;
                if (times > 0) {
                    distinct++;
                    duplicates += times - 1;
                } else if (lostSample.size() < 10) {
                    lostSample.add(i);
                }
            }
            return new Tally(sent, received, sent - distinct, duplicates, lostSample);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", received " + received + ", lost " + lost
                    + (lost > 0 ? " (first: " + lostSample + ")" : "") + ", duplicates " + duplicates;
        }
    }

    /**
     * The application side of the consumer: counts what it processed (acknowledged) per number. Its first
     * incarnation acknowledges the first {@code ackBeforeStop} messages and holds the rest unacknowledged; the
     * second acknowledges everything. QoS 0 messages count as processed when delivered.
     */
    static final class NumberedConsumer {
        private final int ackBeforeStop;
        private final Map<String, AtomicInteger> processed = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicInteger firstDelivered = new AtomicInteger();
        private final AtomicInteger firstAcked = new AtomicInteger();
        private final AtomicInteger duplicatesWithoutDupFlag = new AtomicInteger();
        private volatile boolean markerSeen;

        NumberedConsumer(int ackBeforeStop) {
            this.ackBeforeStop = ackBeforeStop;
        }

        void firstIncarnation(InboundMessage m) {
            if (new String(m.payload(), StandardCharsets.UTF_8).equals(PROBE)) {
                m.acknowledge();
                return;
            }
            firstDelivered.incrementAndGet();
            if (m.qos() == 0 || firstAcked.get() < ackBeforeStop) {
                firstAcked.incrementAndGet();
                process(m);
            }
        }

        void secondIncarnation(InboundMessage m) {
            process(m);
        }

        private void process(InboundMessage m) {
            String text = new String(m.payload(), StandardCharsets.UTF_8);
            if (text.equals(MARKER)) {
                markerSeen = true;
            } else if (!text.equals(PROBE)) {
                int times = processed.computeIfAbsent(text, k -> new AtomicInteger()).incrementAndGet();
                if (times > 1 && !m.duplicate()) {
                    duplicatesWithoutDupFlag.incrementAndGet(); // sent again as a new message (DUP=0)
                }
            }
            m.acknowledge();
        }

        int firstDelivered() {
            return firstDelivered.get();
        }

        int duplicatesWithoutDupFlag() {
            return duplicatesWithoutDupFlag.get();
        }

        int firstAcked() {
            return firstAcked.get();
        }

        int distinct() {
            return processed.size();
        }

        boolean markerSeen() {
            return markerSeen;
        }

        Tally tally(int sent) {
            return Tally.of(processed, sent);
        }
    }
}
