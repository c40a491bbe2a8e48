package io.github.camelmqttbridge.benchmarks.raw;

import io.github.camelmqttbridge.mqtt.client.AckMode;
import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.ConnectResult;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.client.MqttVersion;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import io.github.camelmqttbridge.mqtt.client.SubscribeResult;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Our engine: maxInflight = receiveMaximum = window, automatic acks, no reconnect (a drop must show). */
final class OursDriver implements ClientDriver {

    private final MqttVersion version;
    private MqttClient client;

    OursDriver(MqttVersion version) {
        this.version = version;
    }

    @Override
    public void connect(URI server, String clientId, int window) throws Exception {
        client = new MqttClient(MqttClientOptions.builder().serverUri(server.toString()).clientId(clientId)
                .version(version).maxInflight(window).receiveMaximum(window).ackMode(AckMode.AUTO)
                .automaticReconnect(false).build());
        ConnectResult result = client.connect().get(30, TimeUnit.SECONDS);
        if (result.receiveMaximum() < window && version == MqttVersion.V5) {
            System.out.println("    note: broker's Receive Maximum " + result.receiveMaximum() + " < window " + window);
        }
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, Done done) {
        client.publish(OutboundMessage.of(topic, payload, qos)).whenComplete((r, e) -> done.complete(e));
    }

    @Override
    public void subscribe(String topic, int qos, Consumer<byte[]> onMessage) throws Exception {
        SubscribeResult result = client.subscribe(topic, qos, m -> onMessage.accept(m.payload())).get(30, TimeUnit.SECONDS);
        if (!result.allGranted() || result.filters().get(0).grantedQos() != qos) {
            throw new IllegalStateException("Subscription not granted as asked: " + result);
        }
    }

    @Override
    public String diagnostics() {
        if (client == null) {
            return "not connected";
        }
        ClientMetrics m = client.metrics();
        return "state=" + client.state() + ", published=" + m.published() + ", confirmed=" + m.publishConfirmed()
                + ", failed=" + m.publishFailed() + ", outboundInflight=" + m.outboundInflight() + ", pending="
                + m.pendingPublishes() + ", received=" + m.received() + ", acknowledged=" + m.acknowledged()
                + ", inboundInflight=" + m.inboundInflight() + ", receiveMaximumExceeded=" + m.receiveMaximumExceeded()
                + ", reconnects=" + m.reconnects() + ", lastError=" + m.lastError() + ", client.lastError="
                + client.lastError();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
