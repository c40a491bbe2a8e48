package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.SHARED_MOSQUITTO;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.testsupport.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A consumer whose application holds receiveMaximum messages unacknowledged (a slow route, a Kafka outage) against
 * the real Mosquitto: the connection must stay up across many keep-alive periods, and a black-holed link must still
 * be found. Before, reading stopped with the flow and the unread PINGRESP killed the connection every ~3.6 s (keep-alive
 * 2 s, receiveMaximum 1).
 */
class PausedReaderKeepAliveIntegrationTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aPausedReaderStaysConnectedAcrossManyKeepAlivesAndGetsEverythingAfterwards(MqttVersion version) {
        String topic = uniqueTopic("paused");
        MqttClient consumer = track(new MqttClient(options(SHARED_MOSQUITTO, version).keepAliveSeconds(2).receiveMaximum(1)
                .build()));
        ItSupport.Events events = new ItSupport.Events();
        consumer.addConnectionListener(events);
        ItSupport.Recorder held = new ItSupport.Recorder(false);
        var subscribed = consumer.subscribe(topic, 1, held);
        await(consumer.connect());
        await(subscribed);
        MqttClient publisher = track(new MqttClient(options(SHARED_MOSQUITTO, version).build()));
        await(publisher.connect());
        for (int i = 0; i < 5; i++) {
            await(publisher.publish(OutboundMessage.of(topic, utf8("m" + i), 1)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> held.messages.size() == 1);

        // nobody acknowledges for 5 keep-alive periods
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15))
                .until(() -> !events.has("lost: ") && held.messages.size() == 1);
        assertThat(consumer.metrics().reconnects()).isZero();

        // the route catches up: everything arrives, in order, on the same connection
        for (int i = 0; i < 5; i++) {
            int n = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> held.messages.size() >= n);
            held.messages.get(i).acknowledge();
        }
        assertThat(held.texts()).containsExactly("m0", "m1", "m2", "m3", "m4");
        assertThat(events.has("lost: ")).isFalse();
        assertThat(consumer.metrics().reconnects()).isZero();
    }

    @Test
    void aBlackHoleIsStillFoundWhileTheReaderIsPaused() {
        TcpProxy proxy = track(TcpProxy.start("127.0.0.1", 1883));
        String topic = uniqueTopic("paused-blackhole");
        MqttClient consumer = track(new MqttClient(options(proxy.tcpUrl(), MqttVersion.V5).keepAliveSeconds(2)
                .receiveMaximum(1).connectTimeout(Duration.ofSeconds(3)).build()));
        ItSupport.Events events = new ItSupport.Events();
        consumer.addConnectionListener(events);
        ItSupport.Recorder held = new ItSupport.Recorder(false);
        var subscribed = consumer.subscribe(topic, 1, held);
        await(consumer.connect());
        await(subscribed);
        MqttClient publisher = track(new MqttClient(options(SHARED_MOSQUITTO, MqttVersion.V5).build()));
        await(publisher.connect());
        await(publisher.publish(OutboundMessage.of(topic, utf8("held"), 1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> held.messages.size() == 1);

        proxy.blackhole();
        long cut = System.nanoTime();
        // 1.375 keep-alives after the last byte read at most (see KeepAliveHandler); generous for a loaded machine
        await().atMost(Duration.ofSeconds(10)).until(() -> events.has("lost: "));
        long detectedMillis = (System.nanoTime() - cut) / 1_000_000;
        System.out.println("PausedReaderKeepAliveIntegrationTest: black hole found after " + detectedMillis + " ms");
        assertThat(events.events.get(events.indexOf("lost: "))).contains("PINGRESP");
    }
}
