package io.github.camelmqttbridge.benchmarks.raw;

import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Our engine: maxInflight = receiveMaximum = window, automatic acks, no reconnect (a drop must show). */
final class OursDriver implements ClientDriver {

    /** Receive Maximum of the last MQTT 5 CONNACK seen, for the report (0 before any). */
    static final java.util.concurrent.atomic.AtomicInteger BROKER_RECEIVE_MAXIMUM = new java.util.concurrent.atomic.AtomicInteger();

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
        if (version == MqttVersion.V5) {
            BROKER_RECEIVE_MAXIMUM.set(result.receiveMaximum());
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
    public String anomalies() {
        if (client == null) {
            return "";
        }
        ClientMetrics m = client.metrics();
        StringBuilder text = new StringBuilder();
        if (m.receiveMaximumExceeded() > 0) {
            text.append("the broker exceeded our Receive Maximum ").append(m.receiveMaximumExceeded()).append(" time(s)");
        }
        if (m.reconnects() > 0) {
            text.append(text.length() > 0 ? "; " : "").append(m.reconnects()).append(" reconnect(s), last error ")
                    .append(m.lastError());
        }
        if (m.duplicatesSuppressed() > 0) {
            text.append(text.length() > 0 ? "; " : "").append(m.duplicatesSuppressed()).append(" duplicate(s) suppressed");
        }
        return text.toString();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
