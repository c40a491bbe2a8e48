package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the numbered stream: this project's client, or Paho (another client library, for messages that did not
 * come from our publisher). {@link #publish} returns at once; the future completes when the broker confirmed.
 */
interface StreamPublisher extends AutoCloseable {

    String name();

    void connect() throws Exception;

    CompletableFuture<?> publish(String topic, byte[] payload, int qos);

    @Override
    void close();

    static StreamPublisher ours(InteropBroker broker, MqttVersion version) {
        return new Ours(new MqttClient(Clients.options(broker, broker.url(), version).build()));
    }

    static StreamPublisher paho(InteropBroker broker, MqttVersion version) {
        return version == MqttVersion.V5 ? new PahoV5(broker) : new PahoV3(broker);
    }

    /** This project's engine client. */
    final class Ours implements StreamPublisher {
        private final MqttClient client;

        Ours(MqttClient client) {
            this.client = client;
        }

        @Override
        public String name() {
            return "ours";
        }

        @Override
        public void connect() throws Exception {
            client.connect().get(Clients.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletableFuture<?> publish(String topic, byte[] payload, int qos) {
            return client.publish(OutboundMessage.of(topic, payload, qos));
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Eclipse Paho's MQTT 3.1.1 client. */
    final class PahoV3 implements StreamPublisher {
        private final InteropBroker broker;
        private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;

        PahoV3(InteropBroker broker) {
            this.broker = broker;
            try {
                client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(broker.url(),
                        "paho-" + UUID.randomUUID().toString().substring(0, 8),
                        new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String name() {
            return "paho-mqttv3";
        }

        @Override
        public void connect() throws Exception {
            var options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setUserName(broker.userName());
            options.setPassword(broker.password().toCharArray());
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setMaxInflight(InteropScenarios.PUBLISH_WINDOW);
            client.connect(options).waitForCompletion(Clients.TIMEOUT.toMillis());
        }

        @Override
        public CompletableFuture<?> publish(String topic, byte[] payload, int qos) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                client.publish(topic, payload, qos, false, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                    @Override
                    public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                        done.complete(null);
                    }

                    @Override
                    public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                done.completeExceptionally(e);
            }
            return done;
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5000);
                }
                client.close();
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                // closing anyway
            }
        }
    }

    /** Eclipse Paho's MQTT 5 client. */
    final class PahoV5 implements StreamPublisher {
        private final InteropBroker broker;
        private final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;

        PahoV5(InteropBroker broker) {
            this.broker = broker;
            try {
                client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(broker.url(),
                        "paho-" + UUID.randomUUID().toString().substring(0, 8),
                        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String name() {
            return "paho-mqttv5";
        }

        @Override
        public void connect() throws Exception {
            var options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setUserName(broker.userName());
            options.setPassword(broker.password().getBytes(StandardCharsets.UTF_8));
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            client.connect(options).waitForCompletion(Clients.TIMEOUT.toMillis());
        }

        @Override
        public CompletableFuture<?> publish(String topic, byte[] payload, int qos) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            var message = new org.eclipse.paho.mqttv5.common.MqttMessage(payload);
            message.setQos(qos);
            try {
                client.publish(topic, message, null, new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                    @Override
                    public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                        done.complete(null);
                    }

                    @Override
                    public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable error) {
                        done.completeExceptionally(error);
                    }
                });
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                done.completeExceptionally(e);
            }
            return done;
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5000);
                }
                client.close();
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                // closing anyway
            }
        }
    }
}
