package io.github.camelmqttbridge.mqtt.topic;

/**
 * Thrown when a topic name or topic filter breaks an MQTT rule. The message names the offending
 * value and the rule, e.g. {@code Invalid topic filter 'a/#/b': '#' must be the last level}.
 */
public final class InvalidTopicException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Long values are cut in messages so a 64 KiB topic does not flood the log. */
    private static final int MAX_SHOWN_CHARS = 120;

    private final String topic;
    private final String rule;

    /**
     * @param kind  what was checked, e.g. "topic name" or "topic filter"
     * @param topic the offending value as the user gave it
     * @param rule  the rule that was broken, in user words
     */
    public InvalidTopicException(String kind, String topic, String rule) {
        super("Invalid " + kind + " '" + printable(topic) + "': " + rule);
        this.topic = topic;
        this.rule = rule;
    }

    /** The offending topic name or filter, unchanged. */
    public String topic() {
        return topic;
    }

    /** The broken rule, without the topic, e.g. {@code '#' must be the last level}. */
    public String rule() {
        return rule;
    }

    // Control characters and lone surrogates are escaped so the message stays readable in logs.
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_SHOWN_CHARS) + 16);
        int shown = Math.min(value.length(), MAX_SHOWN_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !isPairedAt(value, i)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (shown < value.length()) {
            out.append("...(").append(value.length()).append(" characters)");
        }
        return out.toString();
    }

    private static boolean isPairedAt(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
