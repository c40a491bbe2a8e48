package io.github.camelmqttbridge.component;

import java.util.Collection;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which names may cross between MQTT 5 user properties and Camel headers, in both directions: a name that Camel or a
 * common component acts on never does. Anyone allowed to publish sets user properties, so a user property that
 * became the header {@code CamelHttpUri}, {@code kafka.OVERRIDE_TOPIC}, {@code CamelFileName} or
 * {@code CamelMqttBridgeOverrideTopic} would steer the route; in the other direction such headers are the route's
 * own business and are not published.
 *
 * <p>Filtered (both directions):
 * <ul>
 * <li>names starting with {@code Camel} (Camel's and every Camel component's headers, ours included),
 * {@code org.apache.camel.}, {@code kafka.} (camel-kafka: {@code kafka.KEY}, {@code kafka.OVERRIDE_TOPIC},
 * {@code kafka.PARTITION_KEY}, ...) and {@code JMS} (camel-jms / camel-amqp: {@code JMSReplyTo},
 * {@code JMSCorrelationID}, ...);</li>
 * <li>names a component reads without such a prefix: {@link #FILTERED_NAMES} (HTTP entity, routing and credential
 * headers camel-http acts on or forwards, mail recipients, CXF operation, Elasticsearch index and operation,
 * Camel's {@code breadcrumbId});</li>
 * <li>empty names, names with a control character, and values with a line break (header injection further on).</li>
 * </ul>
 * Names are compared the way Camel's message headers compare them ({@link String#CASE_INSENSITIVE_ORDER}), so
 * {@code CAMELHTTPURI}, {@code cAmelHttpUri} and spellings with characters that fold to the same letters (the Kelvin
 * sign for {@code k}) are filtered too: the header map would find them under the real name. (camel-kafka's and
 * camel-http's default strategies cover their prefixes the same way, by also matching the lower-cased name.)
 *
 * <p>Stateless and thread-safe: one instance may serve every endpoint.
 */
public class MqttBridgeHeaderFilterStrategy implements HeaderFilterStrategy {

    /** Prefixes of names that Camel or its components act on. */
    public static final List<String> FILTERED_PREFIXES = List.of("Camel", "org.apache.camel.", "kafka.", "JMS");

    /** Names without one of those prefixes that common components act on (or forward as credentials). */
    public static final List<String> FILTERED_NAMES = List.of(
            // Camel core (Exchange constants without the Camel prefix)
            "breadcrumbId", "Content-Type", "Content-Encoding", "Content-Length",
            // camel-http: routing and hop-by-hop headers, and credentials a publisher must not add to our calls
            "Host", "Transfer-Encoding", "Connection", "Authorization", "Proxy-Authorization", "Cookie",
            // camel-mail: recipients and subject
            "To", "Cc", "Bcc", "From", "Reply-To", "Subject",
            // camel-cxf / SOAP
            "operationName", "operationNamespace", "SOAPAction",
            // camel-elasticsearch (header names without prefix)
            "operation", "indexName", "indexId", "indexType");

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isFiltered(headerName, headerValue);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isFiltered(headerName, headerValue);
    }

    /** True when the name (or value) must not cross, in either direction. */
    public boolean isFiltered(String name, Object value) {
        if (name == null || name.isEmpty() || value == null || hasControlCharacter(name) || hasLineBreak(value)) {
            return true;
        }
        for (String prefix : FILTERED_PREFIXES) {
            if (startsWithFolded(name, prefix)) {
                return true;
            }
        }
        for (String filtered : FILTERED_NAMES) {
            if (String.CASE_INSENSITIVE_ORDER.compare(name, filtered) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Camel's own namespace ({@code Camel*}, {@code org.apache.camel.*}), compared as the header map does. The
     * component never lets such a name cross, whatever strategy is configured: these are the headers that steer
     * Camel and its components, ours included.
     */
    public static boolean isCamelNamespace(String name) {
        return name != null && (startsWithFolded(name, "Camel") || startsWithFolded(name, "org.apache.camel."));
    }

    /** {@code name} begins with {@code prefix} under the comparison Camel's header map uses. */
    static boolean startsWithFolded(String name, String prefix) {
        return name.length() >= prefix.length()
                && String.CASE_INSENSITIVE_ORDER.compare(name.substring(0, prefix.length()), prefix) == 0;
    }

    private static boolean hasControlCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLineBreak(Object value) {
        if (value instanceof CharSequence s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\r' || c == '\n') {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Collection<?> values) {
            return values.stream().anyMatch(MqttBridgeHeaderFilterStrategy::hasLineBreak);
        }
        return false;
    }
}
