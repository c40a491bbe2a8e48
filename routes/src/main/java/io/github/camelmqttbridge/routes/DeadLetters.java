package io.github.camelmqttbridge.routes;

import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Builds the dead letter record: why the message was rejected and the exact bytes it had, so nothing is
 * lost and it can be replayed. Use it in an {@code onException} with {@code useOriginalMessage: true}, so the
 * body is the message as it came in.
 * <p>
 * Record (one JSON object, newline-terminated so files of them are JSON Lines): {@code route},
 * {@code error}, {@code errorType}, {@code failedAt}, {@code receivedAt}, {@code source} (MQTT topic or Kafka
 * topic/partition/offset/key), {@code payloadBase64}.
 */
public class DeadLetters {

    public void record(Exchange exchange) {
        Message message = exchange.getMessage();
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        byte[] bytes = Json.bytes(exchange);

        ObjectNode record = Json.object();
        record.put("route", exchange.getFromRouteId());
        record.put("error", error == null ? "unknown" : String.valueOf(error.getMessage()));
        record.put("errorType", error == null ? null : error.getClass().getName());
        record.put("failedAt", Instant.now().toString());
        record.put("receivedAt", Json.receivedAt(exchange).toString());
        ObjectNode source = record.putObject("source");
        String mqttTopic = message.getHeader(MqttHeaders.TOPIC, String.class);
        if (mqttTopic != null) {
            source.put("mqttTopic", mqttTopic);
            source.put("qos", message.getHeader(MqttHeaders.QOS, Integer.class));
        }
        String kafkaTopic = message.getHeader("kafka.TOPIC", String.class);
        if (kafkaTopic != null) {
            source.put("kafkaTopic", kafkaTopic);
            source.put("partition", message.getHeader("kafka.PARTITION", Integer.class));
            source.put("offset", message.getHeader("kafka.OFFSET", Long.class));
            source.put("key", message.getHeader("kafka.KEY", String.class));
        }
        record.put("payloadBase64", Base64.getEncoder().encodeToString(bytes));
        message.setBody(Json.write(record) + "\n");
        // the record is the message now: no header of the failed message may steer the dead letter endpoint
        // (e.g. a Kafka topic override or a file name)
        message.removeHeaders("kafka.*");
        message.removeHeader(Exchange.FILE_NAME);
        message.setHeader("dead-letter-error", record.get("error").asText());
        if (mqttTopic != null) {
            message.setHeader("kafka.KEY", mqttTopic);
        } else if (kafkaTopic != null) {
            message.setHeader("kafka.KEY", kafkaTopic);
        }
    }
}
