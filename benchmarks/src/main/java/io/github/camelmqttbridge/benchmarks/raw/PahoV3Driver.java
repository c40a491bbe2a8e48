package io.github.camelmqttbridge.benchmarks.raw;

import java.net.URI;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho mqttv3 1.2.5, MqttAsyncClient, in-memory persistence, maxInflight = window (its default is 10). */
final class PahoV3Driver extends PahoDriver {

    private MqttAsyncClient client;

    PahoV3Driver() {
        super("connectionLost", "Paho v3 subscription granted QoS %d, asked %d");
    }

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        client = new MqttAsyncClient(server.toString(), clientId, new MemoryPersistence());
        clientCreated(new ClientCalls(client::isConnected, client::getInFlightMessageCount,
                () -> client.getPendingDeliveryTokens().length,
                () -> client.disconnect(5_000).waitForCompletion(10_000), client::close, () -> {
                    client.disconnectForcibly(0, 1000);
                    client.close(true);
                }));
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                PahoV3Driver.this.connectionLost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                PahoV3Driver.this.messageArrived(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setMaxInflight(window);
        options.setAutomaticReconnect(false);
        client.connect(options).waitForCompletion(30_000);
    }

    @Override
    void send(String topic, byte[] payload, int qos, PublishListener listener) throws MqttException {
        client.publish(topic, payload, qos, false, null, listener);
    }

    @Override
    int subscribeAwaitingSuback(String topic, int qos) throws MqttException {
        IMqttToken token = client.subscribe(topic, qos);
        token.waitForCompletion(30_000);
        return token.getGrantedQos()[0];
    }
}
