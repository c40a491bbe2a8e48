package io.github.camelmqttbridge.component.consumer;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.UserProperty;

/**
 * What the messages that must stay in order have in common: the MQTT topic (default), one key for everything the
 * consumer receives, or the value of an MQTT 5 user property. Called on the MQTT event loop for every message, so it
 * must be cheap and must not fail.
 */
@FunctionalInterface
public interface OrderingKey {

    /** The key of this message; never null. */
    Object of(InboundMessage message);

    /** Every message of the consumer in one order. */
    Object WHOLE_CONSUMER = new Object() {
        @Override
        public String toString() {
            return "consumer";
        }
    };

    /**
     * Parses an option value: {@code topic}, {@code consumer} or {@code userProperty:<name>} (a message without that
     * user property is ordered by its topic).
     */
    static OrderingKey parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.equalsIgnoreCase("topic")) {
            return InboundMessage::topic;
        }
        if (s.equalsIgnoreCase("consumer")) {
            return m -> WHOLE_CONSUMER;
        }
        String prefix = "userProperty:";
        if (s.regionMatches(true, 0, prefix, 0, prefix.length()) && s.length() > prefix.length()) {
            String name = s.substring(prefix.length());
            return m -> userProperty(m, name);
        }
        throw new IllegalArgumentException("Unknown orderingKey '" + spec + "': use topic, consumer or userProperty:<name>");
    }

    /** The first value of the named user property, in a key of its own kind, or the topic when there is none. */
    private static Object userProperty(InboundMessage m, String name) {
        MessageProperties p = m.properties();
        if (p != null) {
            for (UserProperty up : p.userProperties()) {
                if (up.key().equals(name)) {
                    // A record, so that a property value never shares a key with a topic of the same text.
                    return new PropertyValue(up.value());
                }
            }
        }
        return m.topic();
    }

    /** A user property value as ordering key. */
    record PropertyValue(String value) {
    }
}
