package io.github.camelmqttbridge.benchmarks.raw;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HiveMQ MQTT client 1.4.2, async API. MQTT 5: Receive Maximum and Send Maximum = window. MQTT 3.1.1 has no
 * such setting: the harness's semaphore is its only in-flight bound.
 */
final class HiveMqDriver implements ClientDriver {

    private final boolean v5;
    private Mqtt5AsyncClient client5;
    private Mqtt3AsyncClient client3;

    HiveMqDriver(boolean v5) {
        this.v5 = v5;
    }

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        if (v5) {
            client5 = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost(server.getHost())
                    .serverPort(server.getPort()).buildAsync();
            client5.connectWith().cleanStart(true).restrictions().receiveMaximum(window).sendMaximum(window)
                    .applyRestrictions().send().get(30, TimeUnit.SECONDS);
        } else {
            client3 = MqttClient.builder().useMqttVersion3().identifier(clientId).serverHost(server.getHost())
                    .serverPort(server.getPort()).buildAsync();
            client3.connectWith().cleanSession(true).send().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, Done done) {
        try {
            if (v5) {
                client5.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload).send()
                        .whenComplete((r, e) -> done.complete(e != null ? e : r.getError().orElse(null)));
            } else {
                client3.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload).send()
                        .whenComplete((r, e) -> done.complete(e));
            }
        } catch (RuntimeException e) {
            done.complete(e);
        }
    }

    @Override
    public void subscribe(String topic, int qos, Consumer<byte[]> onMessage) throws Exception {
        if (v5) {
            Mqtt5SubAck ack = client5.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos))
                    .callback(p -> onMessage.accept(p.getPayloadAsBytes())).send().get(30, TimeUnit.SECONDS);
            if (ack.getReasonCodes().get(0).getCode() != qos) {
                throw new IllegalStateException("HiveMQ v5 subscription answered " + ack.getReasonCodes());
            }
        } else {
            Mqtt3SubAck ack = client3.subscribeWith().topicFilter(topic).qos(MqttQos.fromCode(qos))
                    .callback(p -> onMessage.accept(p.getPayloadAsBytes())).send().get(30, TimeUnit.SECONDS);
            Mqtt3SubAckReturnCode code = ack.getReturnCodes().get(0);
            if (code.getCode() != qos) {
                throw new IllegalStateException("HiveMQ v3 subscription answered " + code);
            }
        }
    }

    @Override
    public String diagnostics() {
        return v5 ? (client5 == null ? "not connected" : "state=" + client5.getState())
                : (client3 == null ? "not connected" : "state=" + client3.getState());
    }

    @Override
    public void close() {
        try {
            if (client5 != null && client5.getState().isConnected()) {
                client5.disconnect().get(10, TimeUnit.SECONDS);
            }
            if (client3 != null && client3.getState().isConnected()) {
                client3.disconnect().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // best effort: the next run uses a new client id
        }
    }
}
