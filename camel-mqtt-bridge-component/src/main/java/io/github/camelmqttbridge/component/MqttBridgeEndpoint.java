package io.github.camelmqttbridge.component;

import java.util.Arrays;
import java.util.List;

import io.github.camelmqttbridge.mqtt.client.AckMode;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.client.MqttVersion;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** TEMP stub (dropped when the real component lands). */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mqtt-bridge", title = "MQTT Bridge", syntax = "mqtt-bridge:topic",
             category = { Category.MESSAGING, Category.IOT })
public class MqttBridgeEndpoint extends DefaultEndpoint {

    @UriPath(description = "Topic filter(s), comma separated")
    private String topic;
    @UriParam(defaultValue = "tcp://localhost:1883", description = "Broker URL")
    private String brokerUrl = "tcp://localhost:1883";
    @UriParam(description = "Client id")
    private String clientId;
    @UriParam(defaultValue = "1", description = "QoS")
    private int qos = 1;
    @UriParam(defaultValue = "5", description = "3.1.1 or 5")
    private String protocolVersion = "5";
    @UriParam(defaultValue = "true", description = "Clean start")
    private boolean cleanStart = true;

    public MqttBridgeEndpoint(String uri, MqttBridgeComponent component) {
        super(uri, component);
    }

    MqttClient newClient() {
        return new MqttClient(MqttClientOptions.builder().serverUris(brokerUrl)
                .clientId(clientId != null ? clientId : "camel-" + getCamelContext().getUuidGenerator().generateUuid())
                .version(MqttVersion.parse(protocolVersion)).cleanStart(cleanStart)
                .ackMode(AckMode.MANUAL).build());
    }

    List<String> topics() {
        return Arrays.stream(topic.split(",")).map(String::trim).toList();
    }

    @Override
    public Producer createProducer() {
        return new MqttBridgeProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        Consumer consumer = new MqttBridgeConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getBrokerUrl() { return brokerUrl; }
    public void setBrokerUrl(String brokerUrl) { this.brokerUrl = brokerUrl; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public int getQos() { return qos; }
    public void setQos(int qos) { this.qos = qos; }
    public String getProtocolVersion() { return protocolVersion; }
    public void setProtocolVersion(String protocolVersion) { this.protocolVersion = protocolVersion; }
    public boolean isCleanStart() { return cleanStart; }
    public void setCleanStart(boolean cleanStart) { this.cleanStart = cleanStart; }
}
