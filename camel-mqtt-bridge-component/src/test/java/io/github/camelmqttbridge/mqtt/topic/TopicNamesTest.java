package io.github.camelmqttbridge.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b/c", "/", "/a", "a/", "a//b", "$SYS/broker/load", "a/$share/b",
            "ü/€/😀", " spaced topic "})
    void acceptsValidTopicNames(String topic) {
        assertThat(TopicNames.validateTopicName(topic)).isSameAs(topic);
    }

    @Test
    void rejectsEmpty() {
        assertThatThrownBy(() -> TopicNames.validateTopicName(""))
                .isInstanceOf(InvalidTopicException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid topic name '': must not be empty");
    }

    @Test
    void rejectsPlusWildcard() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("a/+/b"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic name 'a/+/b': wildcard '+' is only allowed in subscriptions,"
                        + " not in a topic to publish to");
    }

    @Test
    void rejectsHashWildcardEvenInsideALevel() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("a/b#"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic name 'a/b#': wildcard '#' is only allowed in subscriptions,"
                        + " not in a topic to publish to");
    }

    @Test
    void rejectsNullCharacterAndShowsItEscaped() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("a\u0000b"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic name 'a\\u0000b': must not contain the null character U+0000"
                        + " (at index 1)");
    }

    @Test
    void rejectsUnpairedHighSurrogate() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("a/\uD83D"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic name 'a/\\uD83D': is not valid UTF-8: unpaired surrogate character"
                        + " at index 2");
    }

    @Test
    void rejectsUnpairedLowSurrogate() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("\uDE00x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("unpaired surrogate character at index 0");
    }

    @Test
    void acceptsExactlyMaximumEncodedLength() {
        assertThat(TopicNames.validateTopicName("a".repeat(65_535))).hasSize(65_535);
        // 16383 four-byte characters + 3 ASCII = 65535 bytes
        assertThat(TopicNames.validateTopicName("😀".repeat(16_383) + "abc")).isNotNull();
    }

    @Test
    void rejectsOneByteOverMaximum() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("a".repeat(65_536)))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageEndingWith("...(65536 characters)': is 65536 bytes in UTF-8, the maximum is 65535");
    }

    @Test
    void countsMultiByteCharactersInTheLimit() {
        // only 32768 characters, but 65536 bytes
        assertThatThrownBy(() -> TopicNames.validateTopicName("é".repeat(32_768)))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageEndingWith("is 65536 bytes in UTF-8, the maximum is 65535");
        assertThatThrownBy(() -> TopicNames.validateTopicName("€".repeat(21_846)))
                .hasMessageEndingWith("is 65538 bytes in UTF-8, the maximum is 65535");
    }

    @Test
    void exceptionKeepsTopicAndRule() {
        assertThatThrownBy(() -> TopicNames.validateTopicName("x/#"))
                .isInstanceOfSatisfying(InvalidTopicException.class, e -> {
                    assertThat(e.topic()).isEqualTo("x/#");
                    assertThat(e.rule()).startsWith("wildcard '#'");
                });
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> TopicNames.validateTopicName(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("topic name must not be null");
    }
}
