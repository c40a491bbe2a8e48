package io.github.camelmqttbridge.mqtt.topic;

import java.util.Objects;

/** Validation of topic names, the concrete topics a PUBLISH is sent to. */
public final class TopicNames {

    private static final String KIND = "topic name";

    private TopicNames() {
    }

    /**
     * Checks a PUBLISH topic name: non-empty, no wildcard '+' or '#', no U+0000, valid UTF-8 (no unpaired
     * surrogates) and at most 65535 bytes once encoded.
     *
     * @return the topic name, unchanged
     * @throws InvalidTopicException naming the topic and the broken rule
     */
    public static String validateTopicName(String topic) {
        Objects.requireNonNull(topic, "topic name must not be null");
        Utf8Strings.check(KIND, topic);
        int plus = topic.indexOf('+');
        if (plus >= 0) {
            throw new InvalidTopicException(KIND, topic,
                    "wildcard '+' is only allowed in subscriptions, not in a topic to publish to");
        }
        int hash = topic.indexOf('#');
        if (hash >= 0) {
            throw new InvalidTopicException(KIND, topic,
                    "wildcard '#' is only allowed in subscriptions, not in a topic to publish to");
        }
        return topic;
    }
}
