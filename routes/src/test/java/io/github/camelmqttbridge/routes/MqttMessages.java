package io.github.camelmqttbridge.routes;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/** Exchanges shaped like the ones the mqtt-bridge consumer creates. */
final class MqttMessages {

    private MqttMessages() {
    }

    static Exchange message(CamelContext context, String topic, byte[] payload, Map<String, String> userProperties,
            String contentType) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(payload);
        exchange.getMessage().setHeader(MqttHeaders.TOPIC, topic);
        exchange.getMessage().setHeader(MqttHeaders.QOS, 1);
        exchange.getMessage().setHeader(MqttHeaders.RETAINED, false);
        exchange.getMessage().setHeader(MqttHeaders.DUPLICATE, false);
        exchange.getMessage().setHeader(MqttHeaders.USER_PROPERTIES, userProperties);
        if (contentType != null) {
            exchange.getMessage().setHeader(MqttHeaders.CONTENT_TYPE, contentType);
        }
        return exchange;
    }

    static Exchange message(CamelContext context, String topic, String payload) {
        return message(context, topic, payload.getBytes(StandardCharsets.UTF_8), Map.of(), null);
    }

    /** Sends it through direct:mqtt and returns it completed: not failed means the component would ack. */
    static Exchange publish(CamelContext context, Exchange exchange) {
        return context.createProducerTemplate().send(BridgeRoutes.DIRECT_MQTT, exchange);
    }
}
