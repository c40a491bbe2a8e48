package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;

/** Routes against the shared Mosquitto on 127.0.0.1:1883; every test uses topics under its own random prefix. */
abstract class MqttBridgeTestSupport extends CamelTestSupport {

    static final String BROKER = "tcp://127.0.0.1:1883";

    final String prefix = "it/" + UUID.randomUUID().toString().substring(0, 8);
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(MqttClient::close);
    }

    String topic(String name) {
        return prefix + "/" + name;
    }

    /** A plain engine client (outside Camel) connected to the given broker. */
    MqttClient client(String brokerUrl) throws Exception {
        MqttClient c = new MqttClient(MqttClientOptions.builder().serverUris(brokerUrl)
                .clientId("test-" + UUID.randomUUID().toString().substring(0, 8)).build());
        clients.add(c);
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    void publish(String topic, String payload, int qos) throws Exception {
        MqttClient c = clients.isEmpty() ? client(BROKER) : clients.get(0);
        c.publish(OutboundMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8), qos)).get(10, TimeUnit.SECONDS);
    }

    List<InboundMessage> collect(MqttClient c, String filter, int qos) throws Exception {
        List<InboundMessage> received = new CopyOnWriteArrayList<>();
        c.subscribe(filter, qos, m -> {
            received.add(m);
            m.acknowledge();
        }).get(10, TimeUnit.SECONDS);
        return received;
    }

    MqttBridgeConsumer consumer(String routeId) {
        Route route = context.getRoute(routeId);
        Consumer consumer = route.getConsumer();
        return (MqttBridgeConsumer) consumer;
    }

    static String text(Object body) {
        return body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(body);
    }
}
