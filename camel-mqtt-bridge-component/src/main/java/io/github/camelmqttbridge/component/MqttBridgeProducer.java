package io.github.camelmqttbridge.component;

import java.util.concurrent.TimeUnit;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** TEMP stub (dropped when the real component lands): synchronous publish. */
public class MqttBridgeProducer extends DefaultProducer {

    private MqttClient client;

    public MqttBridgeProducer(MqttBridgeEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public MqttBridgeEndpoint getEndpoint() {
        return (MqttBridgeEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        client = getEndpoint().newClient();
        client.connect().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getMandatoryBody(byte[].class);
        client.publish(OutboundMessage.of(getEndpoint().topics().get(0), body, getEndpoint().getQos())).get(30, TimeUnit.SECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        super.doStop();
    }
}
