package io.github.camelmqttbridge.routes;

import java.util.Map;

import io.github.camelmqttbridge.component.W3cTraceContext;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Copies the MQTT metadata the consumer put in Camel headers into headers the next endpoint sends on the
 * wire. Camel's Kafka and HTTP header filters drop every {@code Camel*} header and Kafka ignores map
 * values, so each piece becomes one plain string header.
 */
public class MqttMetadata {

    /**
     * Kafka record headers: {@code mqtt-topic}, {@code mqtt-qos}, {@code mqtt-retained},
     * {@code mqtt-content-type}, and each MQTT 5 user property under its own name, except {@code traceparent} /
     * {@code tracestate} (any letter case): those are {@link #traceContext}'s.
     */
    public void toKafkaHeaders(Exchange exchange) {
        Message message = exchange.getMessage();
        copy(message, MqttHeaders.TOPIC, "mqtt-topic");
        copy(message, MqttHeaders.QOS, "mqtt-qos");
        copy(message, MqttHeaders.RETAINED, "mqtt-retained");
        copy(message, MqttHeaders.CONTENT_TYPE, "mqtt-content-type");
        Map<String, ?> userProperties = userProperties(message);
        userProperties.forEach((name, value) -> {
            if (!name.regionMatches(true, 0, "kafka.", 0, 6) && !name.regionMatches(true, 0, "camel", 0, 5)
                    && !W3cTraceContext.isTraceContextName(name)) {
                message.setHeader(name, value);
            }
        });
        traceContext(userProperties, message);
    }

    /**
     * The publisher's W3C trace context as the headers {@code traceparent} / {@code tracestate}, only when valid
     * ({@link W3cTraceContext}); a malformed one goes nowhere. With a Camel tracer the Kafka producer's span replaces
     * them with its own context (a child of the publisher's, through the consumer's route span, when the mqtt-bridge
     * consumer's traceContext policy handed it to the tracer); without one they reach Kafka unchanged, as the W3C
     * specification asks of a hop that does not trace.
     */
    static void traceContext(Map<String, ?> userProperties, Message message) {
        Object traceparent = userProperties.get(W3cTraceContext.TRACEPARENT);
        Object tracestate = userProperties.get(W3cTraceContext.TRACESTATE);
        W3cTraceContext context = traceparent instanceof String p
                ? W3cTraceContext.of(p, tracestate instanceof String s ? s : null) : null;
        if (context == null) {
            return;
        }
        if (message.getHeader(W3cTraceContext.TRACEPARENT) == null) {
            message.setHeader(W3cTraceContext.TRACEPARENT, context.traceparent());
        }
        if (context.tracestate() != null && message.getHeader(W3cTraceContext.TRACESTATE) == null) {
            message.setHeader(W3cTraceContext.TRACESTATE, context.tracestate());
        }
    }

    /**
     * HTTP request headers: {@code X-Mqtt-Topic}, {@code X-Mqtt-Qos}, {@code X-Mqtt-Retained},
     * {@code X-Mqtt-Duplicate}, {@code X-Mqtt-Content-Type}, and {@code X-Mqtt-Property-<name>} per user property
     * (characters not allowed in an HTTP header name become {@code _}).
     */
    public void toHttpHeaders(Exchange exchange) {
        Message message = exchange.getMessage();
        copy(message, MqttHeaders.TOPIC, "X-Mqtt-Topic");
        copy(message, MqttHeaders.QOS, "X-Mqtt-Qos");
        copy(message, MqttHeaders.RETAINED, "X-Mqtt-Retained");
        copy(message, MqttHeaders.DUPLICATE, "X-Mqtt-Duplicate");
        copy(message, MqttHeaders.CONTENT_TYPE, "X-Mqtt-Content-Type");
        userProperties(message).forEach((name, value) ->
                message.setHeader("X-Mqtt-Property-" + httpToken(name), value));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> userProperties(Message message) {
        Object value = message.getHeader(MqttHeaders.USER_PROPERTIES);
        return value instanceof Map ? (Map<String, String>) value : Map.of();
    }

    private static void copy(Message message, String from, String to) {
        Object value = message.getHeader(from);
        if (value != null) {
            message.setHeader(to, value.toString());
        }
    }

    static String httpToken(String name) {
        StringBuilder token = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean ok = c < 127 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
            token.append(ok ? c : '_');
        }
        return token.length() == 0 ? "_" : token.toString();
    }
}
