package io.github.camelmqttbridge.routes;

import io.github.camelmqttbridge.component.W3cTraceContext;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header filter for a Kafka consumer whose route needs no record header but the W3C trace context: only
 * {@code traceparent} and {@code tracestate} (exactly these names) become Camel headers, and only when their values
 * pass the W3C checks ({@link W3cTraceContext}); every other record header is dropped (camel-kafka still sets its own
 * kafka.KEY, kafka.TOPIC, ... and the manual commit handle).
 * <p>
 * Record headers are as untrusted as the record: whoever may write to the topic sets them. camel-kafka's default
 * filter only drops names starting with {@code Camel}, {@code org.apache.camel.} or {@code kafka.} (in any case);
 * every other name would become a header that a later step or a later Camel version might act on, so the route takes
 * none but these two.
 * <p>
 * A Camel tracer (camel-opentelemetry, ...) takes the consumer span's parent from these headers, so a trace that
 * reached Kafka goes on through the route; the mqtt-bridge producer then publishes the tracer's current context (not
 * these values) as MQTT 5 user properties. Without a tracer nothing reads them: the mqtt-bridge producer's
 * {@code traceContext=auto} adds nothing then. The values only pick the trace the route's spans join; no component
 * acts on them. Used by kafka-to-mqtt.yaml.
 */
public class KafkaRecordTraceContextOnly implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !admitted(headerName, headerValue);
    }

    static boolean admitted(String name, Object value) {
        if (W3cTraceContext.TRACEPARENT.equals(name)) {
            return W3cTraceContext.isValidTraceparent(W3cTraceContext.text(value));
        }
        if (W3cTraceContext.TRACESTATE.equals(name)) {
            return W3cTraceContext.isValidTracestate(W3cTraceContext.text(value));
        }
        return false;
    }
}
