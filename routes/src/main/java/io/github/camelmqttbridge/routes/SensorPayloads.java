package io.github.camelmqttbridge.routes;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

/**
 * Turns a sensor reading into a JSON object, whatever form it came in:
 * <ul>
 * <li>a JSON object: kept as is (the route's jq step renames and enriches its fields);</li>
 * <li>a JSON number or a plain number ({@code 21.5}): {@code {"value":21.5}};</li>
 * <li>CSV {@code value[,unit[,timestamp]]} ({@code 21.5,C}): {@code {"value":21.5,"unit":"C"}}.</li>
 * </ul>
 * It also reads the device and metric from the last two levels of the MQTT topic
 * ({@code .../<device>/<metric>}) into the exchange properties {@code sensorDevice} and {@code sensorMetric},
 * and sets {@code receivedAt}. Anything else is rejected with a {@link PayloadRejectedException}.
 */
public class SensorPayloads {

    public static final String DEVICE = "sensorDevice";
    public static final String METRIC = "sensorMetric";
    public static final String RECEIVED_AT = "receivedAt";

    /** Kafka topic names allow these characters only; the metric becomes part of one. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    public void toJson(Exchange exchange) throws PayloadRejectedException {
        String topic = exchange.getMessage().getHeader(MqttHeaders.TOPIC, String.class);
        String[] levels = topic == null ? new String[0] : topic.split("/", -1);
        if (levels.length < 2) {
            throw new PayloadRejectedException("topic '" + topic + "' does not end in <device>/<metric>");
        }
        String device = levels[levels.length - 2];
        String metric = levels[levels.length - 1];
        if (!NAME.matcher(device).matches() || !NAME.matcher(metric).matches()) {
            throw new PayloadRejectedException("topic '" + topic
                    + "': device and metric must be 1-200 characters of A-Z a-z 0-9 . _ -");
        }
        exchange.setProperty(DEVICE, device);
        exchange.setProperty(METRIC, metric);
        exchange.setProperty(RECEIVED_AT, Json.receivedAt(exchange).toString());

        byte[] bytes = Json.bytes(exchange);
        String text = Json.utf8Text(bytes)
                .orElseThrow(() -> new PayloadRejectedException(
                        "payload is not UTF-8 text (" + bytes.length + " bytes)"))
                .strip();
        exchange.getMessage().setBody(Json.write(parse(text)));
    }

    static ObjectNode parse(String text) throws PayloadRejectedException {
        if (text.isEmpty()) {
            throw new PayloadRejectedException("payload is empty");
        }
        if (NUMBER.matcher(text).matches()) {
            return reading(new BigDecimal(text), null, null);
        }
        char first = text.charAt(0);
        if (first == '{' || first == '[' || first == '"') {
            Optional<JsonNode> json = Json.parse(text);
            if (json.isEmpty()) {
                throw new PayloadRejectedException("payload is not valid JSON: " + abbreviate(text));
            }
            if (!json.get().isObject()) {
                throw new PayloadRejectedException("payload is JSON but not an object or a number: "
                        + abbreviate(text));
            }
            return (ObjectNode) json.get();
        }
        String[] cells = text.split(",", -1);
        if (cells.length <= 3 && NUMBER.matcher(cells[0].strip()).matches()) {
            return reading(new BigDecimal(cells[0].strip()),
                    cells.length > 1 ? cells[1].strip() : null,
                    cells.length > 2 ? cells[2].strip() : null);
        }
        throw new PayloadRejectedException("payload is neither JSON, a number nor CSV value[,unit[,timestamp]]: "
                + abbreviate(text));
    }

    private static ObjectNode reading(BigDecimal value, String unit, String timestamp) {
        ObjectNode node = Json.object();
        node.put("value", value);
        if (unit != null && !unit.isEmpty()) {
            node.put("unit", unit);
        }
        if (timestamp != null && !timestamp.isEmpty()) {
            node.put("ts", timestamp);
        }
        return node;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
