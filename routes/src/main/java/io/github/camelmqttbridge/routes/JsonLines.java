package io.github.camelmqttbridge.routes;

import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Builds one JSON Lines record per MQTT message for the file route, and the file it goes to.
 * <p>
 * Record: {@code topic}, {@code qos}, {@code retained}, {@code receivedAt}, {@code contentType} and
 * {@code userProperties} when present, {@code payloadEncoding} and {@code payload}: the payload itself when it
 * is valid JSON ({@code json}), a string when it is UTF-8 text ({@code text}), otherwise Base64 of the exact
 * bytes ({@code base64}) — binary payloads are never altered.
 * <p>
 * File: {@code <topic levels as folders>/<yyyy-MM-dd UTC>.jsonl}, relative to the route's output folder.
 * Topic levels are made safe first: characters outside {@code A-Z a-z 0-9 . _ -} become {@code _}, and an
 * empty, {@code .} or {@code ..} level becomes {@code _}, so no topic can escape the output folder.
 */
public class JsonLines {

    public void toLine(Exchange exchange) {
        Message message = exchange.getMessage();
        String topic = message.getHeader(MqttHeaders.TOPIC, String.class);
        Instant receivedAt = Json.receivedAt(exchange);
        byte[] bytes = Json.bytes(exchange);

        ObjectNode line = Json.object();
        line.put("topic", topic);
        line.put("qos", message.getHeader(MqttHeaders.QOS, Integer.class));
        line.put("retained", message.getHeader(MqttHeaders.RETAINED, false, Boolean.class));
        line.put("receivedAt", receivedAt.toString());
        String contentType = message.getHeader(MqttHeaders.CONTENT_TYPE, String.class);
        if (contentType != null) {
            line.put("contentType", contentType);
        }
        if (!MqttMetadata.userProperties(message).isEmpty()) {
            ObjectNode props = line.putObject("userProperties");
            MqttMetadata.userProperties(message).forEach(props::put);
        }
        Optional<String> text = Json.utf8Text(bytes);
        Optional<JsonNode> json = text.flatMap(Json::parse);
        if (json.isPresent()) {
            line.put("payloadEncoding", "json");
            line.set("payload", json.get());
        } else if (text.isPresent()) {
            line.put("payloadEncoding", "text");
            line.put("payload", text.get());
        } else {
            line.put("payloadEncoding", "base64");
            line.put("payload", Base64.getEncoder().encodeToString(bytes));
        }
        message.setBody(Json.write(line) + "\n");
        message.setHeader(Exchange.FILE_NAME, safePath(topic) + "/" + Json.DAY.format(receivedAt) + ".jsonl");
    }

    static String safePath(String topic) {
        if (topic == null || topic.isEmpty()) {
            return "_";
        }
        StringBuilder path = new StringBuilder();
        for (String level : topic.split("/", -1)) {
            String safe = level.replaceAll("[^A-Za-z0-9._-]", "_");
            if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
                safe = "_";
            }
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(safe);
        }
        return path.toString();
    }
}
