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

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Eclipse Paho (mqttv5 1.2.5) as the peer of our client through the shared Mosquitto, both directions. */
class PahoInteropIntegrationTest {

    private org.eclipse.paho.mqttv5.client.MqttClient paho;
    private MqttClient ours;
    private final List<String[]> pahoReceived = new CopyOnWriteArrayList<>();
    private final List<MqttMessage> pahoMessages = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws MqttException {
        paho = new org.eclipse.paho.mqttv5.client.MqttClient(SHARED_MOSQUITTO, uniqueClientId("paho"), new MemoryPersistence());
        paho.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                pahoReceived.add(new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8)});
                pahoMessages.add(message);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        paho.connect(o);
        ours = new MqttClient(options(SHARED_MOSQUITTO, MqttVersion.V5).build());
        await(ours.connect());
    }

    @AfterEach
    void disconnect() throws MqttException {
        ours.close();
        if (paho.isConnected()) {
            paho.disconnect();
        }
        paho.close();
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void pahoPublishesOurClientReceivesWithProperties(int qos) throws MqttException {
        String topic = uniqueTopic("from-paho");
        ItSupport.Recorder recorder = new ItSupport.Recorder(true);
        await(ours.subscribe(List.of(Subscription.of(topic, 2)), recorder));
        for (int i = 0; i < 20; i++) {
            MqttMessage m = new MqttMessage(utf8("paho " + i), qos, false, null);
            MqttProperties p = new MqttProperties();
            p.setUserProperties(List.of(new UserProperty("n", Integer.toString(i)), new UserProperty("n", "again")));
            p.setContentType("text/plain");
            p.setResponseTopic(topic + "/reply");
            p.setCorrelationData(new byte[] {(byte) i});
            m.setProperties(p);
            paho.publish(topic, m);
        }
        await().atMost(TIMEOUT).until(() -> recorder.messages.size() >= 20);
        assertThat(recorder.messages).hasSize(20);
        for (int i = 0; i < 20; i++) {
            InboundMessage m = recorder.messages.get(i);
            assertThat(text(m)).isEqualTo("paho " + i);
            assertThat(m.qos()).isEqualTo(qos);
            assertThat(m.properties().userProperties()).containsExactly(
                    new io.github.camelmqttbridge.mqtt.message.UserProperty("n", Integer.toString(i)),
                    new io.github.camelmqttbridge.mqtt.message.UserProperty("n", "again"));
            assertThat(m.properties().contentType()).isEqualTo("text/plain");
            assertThat(m.properties().responseTopic()).isEqualTo(topic + "/reply");
            assertThat(m.properties().correlationData()).containsExactly(i);
        }
        await().atMost(TIMEOUT).until(() -> ours.metrics().acknowledged() == 20);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {1, 2})
    void ourClientPublishesPahoReceivesWithProperties(int qos) throws MqttException {
        String topic = uniqueTopic("to-paho");
        paho.subscribe(topic, 2);
        for (int i = 0; i < 20; i++) {
            MessageProperties props = MessageProperties.builder().userProperty("z", "last").userProperty("a", "first")
                    .contentType("application/octet-stream").correlationData(new byte[] {7, (byte) i})
                    .responseTopic(topic + "/r").messageExpiryInterval(300L).build();
            await(ours.publish(new OutboundMessage(topic, utf8("ours " + i), qos, false, props)));
        }
        await().atMost(TIMEOUT).until(() -> pahoMessages.size() >= 20);
        assertThat(pahoReceived).extracting(r -> r[1]).containsExactly(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "ours " + i).toArray(String[]::new));
        MqttMessage first = pahoMessages.get(0);
        assertThat(first.getQos()).isEqualTo(qos);
        MqttProperties p = first.getProperties();
        assertThat(p.getUserProperties()).extracting(UserProperty::getKey, UserProperty::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("z", "last"), org.assertj.core.groups.Tuple.tuple("a", "first"));
        assertThat(p.getContentType()).isEqualTo("application/octet-stream");
        assertThat(p.getCorrelationData()).containsExactly(7, 0);
        assertThat(p.getResponseTopic()).isEqualTo(topic + "/r");
        assertThat(p.getMessageExpiryInterval()).isBetween(290L, 300L);
    }
}
