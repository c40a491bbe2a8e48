package io.github.camelmqttbridge.benchmarks.raw;

import java.net.URI;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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
final class PahoV5Driver extends PahoDriver {

    private MqttAsyncClient client;

    PahoV5Driver() {
        super("disconnected", "Paho v5 subscription answered reason code %d, asked QoS %d");
    }

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        client = new MqttAsyncClient(server.toString(), clientId, new MemoryPersistence());
        clientCreated(new ClientCalls(client::isConnected, client::getInFlightMessageCount,
                () -> client.getPendingTokens().length,
                () -> client.disconnect(5_000).waitForCompletion(10_000), client::close, () -> {
                    client.disconnectForcibly(0, 1000, false);
                    client.close(true);
                }));
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                connectionLost(response);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                connectionLost(exception);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                PahoV5Driver.this.messageArrived(message.getPayload());
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
    void send(String topic, byte[] payload, int qos, PublishListener listener) throws MqttException {
        client.publish(topic, payload, qos, false, null, listener);
    }

    @Override
    int subscribeAwaitingSuback(String topic, int qos) throws MqttException {
        IMqttToken token = client.subscribe(new MqttSubscription(topic, qos));
        token.waitForCompletion(30_000);
        return token.getReasonCodes()[0];
    }
}
