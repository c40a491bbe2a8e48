package io.github.camelmqttbridge.routes;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Header filter for a Kafka consumer whose route needs none of the record headers: none of them becomes a Camel
 * header (camel-kafka still sets its own kafka.KEY, kafka.TOPIC, ... and the manual commit handle).
 * <p>
 * Record headers are as untrusted as the record: whoever may write to the topic sets them. camel-kafka's default
 * filter already drops names starting with {@code Camel}, {@code org.apache.camel.} or {@code kafka.} in any case
 * (it also matches the lower-cased name: camel-kafka 4.17 with camel-support 4.14 to 4.22), so the mqtt-bridge producer's
 * CamelMqttBridge* headers cannot come from a record; every other name would still become a header. A route that
 * uses none of them takes none, whatever a later step or a later Camel version does with headers. Used by
 * kafka-to-mqtt.yaml.
 */
public class KafkaRecordHeadersIgnored implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }
}
