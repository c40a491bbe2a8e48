package io.github.camelmqttbridge.routes;

import java.math.BigDecimal;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;

/**
 * The plausibility check of the Kafka route, one range per metric: property {@code sensors.range.<metric>} holds
 * {@code <min>..<max>} (inclusive; either bound may be left out: {@code 0..}, {@code ..100}). A metric without the
 * property, or with an empty value, is not checked. A reading outside its range is rejected with a
 * {@link ReadingOutOfRangeException} that names the topic, the value, the range and the property that sets it (the
 * route logs it and sends the reading to its dead letter topic).
 * <p>
 * Called on the route's thread after the payload became a JSON object with a numeric {@code value} and the metric is
 * in the exchange property {@value SensorPayloads#METRIC}.
 */
public class SensorRanges {

    public static final String PROPERTY_PREFIX = "sensors.range.";

    public void check(Exchange exchange) throws ReadingOutOfRangeException {
        String metric = exchange.getProperty(SensorPayloads.METRIC, String.class);
        String property = PROPERTY_PREFIX + metric;
        Optional<String> configured = exchange.getContext().getPropertiesComponent().resolveProperty(property)
                .filter(value -> !value.isBlank());
        if (configured.isEmpty()) {
            return;
        }
        Range range = Range.parse(property, configured.get());
        BigDecimal value = value(exchange);
        if (!range.contains(value)) {
            throw new ReadingOutOfRangeException("reading " + value.toPlainString() + " on "
                    + exchange.getMessage().getHeader(MqttHeaders.TOPIC, String.class) + " is outside the range "
                    + range + " of metric '" + metric + "' (property " + property + ")");
        }
    }

    private static BigDecimal value(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        JsonNode reading = body instanceof JsonNode node ? node
                : Json.parse(exchange.getMessage().getBody(String.class)).orElse(null);
        JsonNode value = reading == null ? null : reading.get("value");
        if (value == null || !value.isNumber()) {
            // the route validates before it calls us
            throw new IllegalStateException("no numeric value in " + body);
        }
        return value.decimalValue();
    }

    /** An inclusive range; a null bound is open. */
    record Range(BigDecimal min, BigDecimal max) {

        static Range parse(String property, String text) {
            String spec = text.strip();
            int dots = spec.indexOf("..");
            try {
                if (dots < 0) {
                    throw new NumberFormatException();
                }
                String low = spec.substring(0, dots).strip();
                String high = spec.substring(dots + 2).strip();
                BigDecimal min = low.isEmpty() ? null : new BigDecimal(low);
                BigDecimal max = high.isEmpty() ? null : new BigDecimal(high);
                if (min != null && max != null && min.compareTo(max) > 0) {
                    throw new IllegalArgumentException(property + "=" + text + ": the minimum is above the maximum");
                }
                return new Range(min, max);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(property + "=" + text
                        + " is not a range <min>..<max> (e.g. -50..150; either bound may be left out, an empty value"
                        + " switches the check off)");
            }
        }

        boolean contains(BigDecimal value) {
            return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
        }

        @Override
        public String toString() {
            return (min == null ? "" : min.toPlainString()) + ".." + (max == null ? "" : max.toPlainString());
        }
    }
}
