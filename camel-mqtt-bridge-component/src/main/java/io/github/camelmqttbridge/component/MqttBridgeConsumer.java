package io.github.camelmqttbridge.component;

import java.util.concurrent.TimeUnit;

import io.github.camelmqttbridge.mqtt.client.InboundMessage;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.SynchronizationAdapter;

/** TEMP stub (dropped when the real component lands): acks after the exchange completed. */
public class MqttBridgeConsumer extends DefaultConsumer {

    private MqttClient client;

    public MqttBridgeConsumer(MqttBridgeEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
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
        for (String t : getEndpoint().topics()) {
            client.subscribe(t, getEndpoint().getQos(), this::onMessage).get(30, TimeUnit.SECONDS);
        }
    }

    private void onMessage(InboundMessage message) {
        Exchange exchange = createExchange(false);
        exchange.getMessage().setBody(message.payload());
        exchange.getMessage().setHeader("CamelMqttBridgeTopic", message.topic());
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange e) {
                message.acknowledge();
            }
        });
        getAsyncProcessor().process(exchange, doneSync -> releaseExchange(exchange, false));
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
