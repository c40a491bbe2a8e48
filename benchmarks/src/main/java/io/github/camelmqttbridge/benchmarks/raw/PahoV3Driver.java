package io.github.camelmqttbridge.benchmarks.raw;

import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho mqttv3 1.2.5, MqttAsyncClient, in-memory persistence, maxInflight = window (its default is 10). */
final class PahoV3Driver implements ClientDriver {

    private MqttAsyncClient client;
    private volatile Consumer<byte[]> onMessage = payload -> { };
    private volatile Throwable lost;

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        client = new MqttAsyncClient(server.toString(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost = cause;
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(message.getPayload());
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
    public void publish(String topic, byte[] payload, int qos, Done done) {
        try {
            client.publish(topic, payload, qos, false, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    done.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    done.complete(error);
                }
            });
        } catch (MqttException | RuntimeException e) {
            done.complete(e);
        }
    }

    @Override
    public void subscribe(String topic, int qos, Consumer<byte[]> handler) throws Exception {
        this.onMessage = handler;
        IMqttToken token = client.subscribe(topic, qos);
        token.waitForCompletion(30_000);
        int granted = token.getGrantedQos()[0];
        if (granted != qos) {
            throw new IllegalStateException("Paho v3 subscription granted QoS " + granted + ", asked " + qos);
        }
    }

    @Override
    public String diagnostics() {
        return client == null ? "not connected"
                : "connected=" + client.isConnected() + ", inFlight=" + client.getInFlightMessageCount()
                        + ", pendingTokens=" + client.getPendingDeliveryTokens().length + ", connectionLost=" + lost;
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(10_000);
            }
            client.close();
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 1000);
                client.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
    }
}
