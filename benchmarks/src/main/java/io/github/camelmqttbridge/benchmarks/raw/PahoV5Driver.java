package io.github.camelmqttbridge.benchmarks.raw;

import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Eclipse Paho mqttv5 1.2.5, MqttAsyncClient, in-memory persistence, Receive Maximum = window. Its outbound
 * in-flight limit is the broker's Receive Maximum (the harness's broker announces the window).
 */
final class PahoV5Driver implements ClientDriver {

    private MqttAsyncClient client;
    private volatile Consumer<byte[]> onMessage = payload -> { };
    private volatile String lost;

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        client = new MqttAsyncClient(server.toString(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                lost = String.valueOf(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                lost = String.valueOf(exception);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(message.getPayload());
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
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(window);
        options.setAutomaticReconnect(false);
        client.connect(options).waitForCompletion(30_000);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, Done done) {
        try {
            client.publish(topic, payload, qos, false, null, new MqttActionListener() {
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
        IMqttToken token = client.subscribe(new MqttSubscription(topic, qos));
        token.waitForCompletion(30_000);
        int granted = token.getReasonCodes()[0];
        if (granted != qos) {
            throw new IllegalStateException("Paho v5 subscription answered reason code " + granted + ", asked QoS " + qos);
        }
    }

    @Override
    public String diagnostics() {
        return client == null ? "not connected"
                : "connected=" + client.isConnected() + ", inFlight=" + client.getInFlightMessageCount()
                        + ", pendingTokens=" + client.getPendingTokens().length + ", disconnected=" + lost;
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
                client.disconnectForcibly(0, 1000, false);
                client.close(true);
            } catch (MqttException ignored) {
                // best effort
            }
        }
    }
}
