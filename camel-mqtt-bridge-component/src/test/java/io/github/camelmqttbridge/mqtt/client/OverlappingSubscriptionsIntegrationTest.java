package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.SHARED_MOSQUITTO;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.TIMEOUT;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.text;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueClientId;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Overlapping subscriptions against the shared Mosquitto 2.0.11. What it does (checked with mosquitto_sub too):
 * to an MQTT 5 client it sends one copy per matching subscription, each with its own packet id and the identifier
 * of its subscription; to an MQTT 3.1.1 client it sends one copy. Either way each subscribe() call of ours gets each
 * message once, and every copy is acknowledged: after a reconnect of the persistent session nothing comes again.
 */
class OverlappingSubscriptionsIntegrationTest {

    private static final int MESSAGES = 20;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        MqttClient c = new MqttClient(b.build());
        resources.add(c);
        return c;
    }

    private static MqttClientOptions.Builder persistent(MqttVersion version, String clientId) {
        return options(SHARED_MOSQUITTO, version).clientId(clientId).cleanStart(false).ackMode(AckMode.MANUAL)
                .sessionExpiryInterval(version == MqttVersion.V5 ? 120 : 0);
    }

    private static Map<String, Long> counts(ItSupport.Recorder recorder) {
        return recorder.messages.stream().collect(Collectors.groupingBy(ItSupport::text, Collectors.counting()));
    }

    @ParameterizedTest(name = "MQTT {0} QoS {1}")
    @CsvSource({"V5,1", "V5,2", "V3_1_1,1", "V3_1_1,2"})
    void oneCallWithOverlappingFiltersGetsEachMessageOnceAndEveryCopyIsAcknowledged(MqttVersion version, int qos) {
        String topic = uniqueTopic("ov");
        String clientId = uniqueClientId("overlap");
        MqttClient subscriber = client(persistent(version, clientId));
        ItSupport.Recorder recorder = new ItSupport.Recorder(true);
        var subscribed = subscriber.subscribe(List.of(Subscription.of(topic + "/#", qos),
                Subscription.of(topic + "/a", qos)), recorder);
        await(subscriber.connect());
        await(subscribed);
        MqttClient publisher = client(options(SHARED_MOSQUITTO, version));
        await(publisher.connect());

        for (int i = 0; i < MESSAGES; i++) {
            await(publisher.publish(OutboundMessage.of(topic + (i % 2 == 0 ? "/a" : "/b"), utf8("m" + i), qos)));
        }
        await(publisher.publish(OutboundMessage.of(topic + "/a", utf8("end"), qos)));
        await().atMost(TIMEOUT).until(() -> counts(recorder).containsKey("end"));

        Map<String, Long> counts = counts(recorder);
        counts.remove("end");
        assertThat(counts).as("each message once").hasSize(MESSAGES).allSatisfy((text, n) -> assertThat(n).isEqualTo(1));
        if (version == MqttVersion.V5) {
            assertThat(subscriber.metrics().overlapCopiesSuppressed())
                    .as("Mosquitto sent a second copy of every message on /a (the overlap), told apart by identifier")
                    .isEqualTo(MESSAGES / 2 + 1);
        } else {
            assertThat(subscriber.metrics().overlapCopiesSuppressed()).as("Mosquitto sends 3.1.1 clients one copy")
                    .isZero();
        }

        // Every copy was acknowledged: the resumed session has nothing to re-send before the next message.
        await(subscriber.disconnect());
        ItSupport.Recorder afterwards = new ItSupport.Recorder(true);
        MqttClient again = client(persistent(version, clientId));
        var resubscribed = again.subscribe(List.of(Subscription.of(topic + "/#", qos),
                Subscription.of(topic + "/a", qos)), afterwards);
        assertThat(await(again.connect()).sessionPresent()).isTrue();
        await(resubscribed);
        await(publisher.publish(OutboundMessage.of(topic + "/a", utf8("after"), qos)));
        await().atMost(TIMEOUT).until(() -> counts(afterwards).containsKey("after"));
        assertThat(afterwards.texts()).as("nothing re-sent, the new message once").containsExactly("after");
    }

    @ParameterizedTest(name = "MQTT {0}")
    @CsvSource({"V5", "V3_1_1"})
    void twoCallsWithOverlappingFiltersEachGetEachMessageOnce(MqttVersion version) {
        String topic = uniqueTopic("ov2");
        MqttClient subscriber = client(options(SHARED_MOSQUITTO, version));
        ItSupport.Recorder wide = new ItSupport.Recorder(true);
        ItSupport.Recorder narrow = new ItSupport.Recorder(true);
        await(subscriber.connect());
        await(subscriber.subscribe(List.of(Subscription.of(topic + "/#", 1)), wide));
        await(subscriber.subscribe(List.of(Subscription.of(topic + "/a", 1)), narrow));
        MqttClient publisher = client(options(SHARED_MOSQUITTO, version));
        await(publisher.connect());

        for (int i = 0; i < MESSAGES; i++) {
            await(publisher.publish(OutboundMessage.of(topic + "/a", utf8("m" + i), 1)));
        }
        await(publisher.publish(OutboundMessage.of(topic + "/a", utf8("end"), 1)));
        await().atMost(TIMEOUT).until(() -> counts(wide).containsKey("end") && counts(narrow).containsKey("end"));

        Function<ItSupport.Recorder, List<String>> texts = r -> r.messages.stream().map(ItSupport::text).toList();
        assertThat(texts.apply(wide)).as("ov/# listener").hasSize(MESSAGES + 1).doesNotHaveDuplicates();
        assertThat(texts.apply(narrow)).as("ov/a listener").hasSize(MESSAGES + 1).doesNotHaveDuplicates();
        assertThat(text(wide.messages.get(0))).isEqualTo("m0");
    }
}
