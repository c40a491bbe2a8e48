package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A third-party subscriber (Eclipse Paho, 3.1.1 or 5): what it receives, with the RETAIN flag, tells whether an
 * oddity comes from the broker or from our client.
 */
final class PahoSubscriber implements AutoCloseable {

    /** A message as Paho saw it. */
    record Received(String text, boolean retained) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AutoCloseable client;

    private PahoSubscriber(AutoCloseable client) {
        this.client = client;
    }

    List<Received> received() {
        return received;
    }

    /** Connects as the broker's user and subscribes to {@code topic} with QoS 1. */
    static PahoSubscriber subscribe(InteropBroker broker, MqttVersion version, String topic) throws Exception {
        String id = "paho-sub-" + UUID.randomUUID().toString().substring(0, 8);
        if (version == MqttVersion.V5) {
            var client = new org.eclipse.paho.mqttv5.client.MqttClient(broker.url(), id,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setUserName(broker.userName());
            options.setPassword(broker.password().getBytes(StandardCharsets.UTF_8));
            client.connect(options);
            PahoSubscriber subscriber = new PahoSubscriber(() -> {
                client.disconnect();
                client.close();
            });
            var subscription = new org.eclipse.paho.mqttv5.common.MqttSubscription(topic, 1);
            client.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {subscription},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> subscriber.received.add(
                            new Received(new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained()))});
            return subscriber;
        }
        var client = new org.eclipse.paho.client.mqttv3.MqttClient(broker.url(), id,
                new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setUserName(broker.userName());
        options.setPassword(broker.password().toCharArray());
        client.connect(options);
        PahoSubscriber subscriber = new PahoSubscriber(() -> {
            client.disconnect();
            client.close();
        });
        client.subscribe(topic, 1, (t, m) -> subscriber.received.add(
                new Received(new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained())));
        return subscriber;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
