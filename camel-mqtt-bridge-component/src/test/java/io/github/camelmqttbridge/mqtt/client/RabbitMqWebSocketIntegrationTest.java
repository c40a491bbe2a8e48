package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.testsupport.RabbitMqWebMqtt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT 3.1.1 over WebSocket against RabbitMQ's rabbitmq_web_mqtt plugin (path /ws), enabled on the machine's
 * RabbitMQ by the test if it is not yet: a message published over WebSocket comes back to a WebSocket subscriber.
 */
class RabbitMqWebSocketIntegrationTest {

    private static String url;
    private MqttClient publisher;
    private MqttClient subscriber;

    @BeforeAll
    static void enablePlugin() {
        url = RabbitMqWebMqtt.wsUrl();
    }

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
    }

    @Test
    void messagesCrossRabbitMqOverWebSocket() {
        subscriber = new MqttClient(options(url, MqttVersion.V3_1_1).build());
        publisher = new MqttClient(options(url, MqttVersion.V3_1_1).build());
        ConnectResult connected = await(subscriber.connect());
        assertThat(connected.serverUri()).isEqualTo(url);
        await(publisher.connect());
        String topic = uniqueTopic("rabbit-ws");
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        SubscribeResult granted = await(subscriber.subscribe(topic, 1, received));
        assertThat(granted.filters().get(0).grantedQos()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            await(publisher.publish(OutboundMessage.of(topic, utf8("rabbit " + i), 1)));
        }
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 5);
        assertThat(received.texts()).containsExactly("rabbit 0", "rabbit 1", "rabbit 2", "rabbit 3", "rabbit 4");
    }
}
