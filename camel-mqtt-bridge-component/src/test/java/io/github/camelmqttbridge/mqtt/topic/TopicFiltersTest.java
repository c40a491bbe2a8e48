package io.github.camelmqttbridge.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFiltersTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a/b", "#", "+", "+/+", "a/+", "+/a", "a/#", "+/#", "/#", "/+", "/", "a//b",
            "a/+/b/#", "$SYS/#", "$SYS/+/x", "sport/tennis/+", "ü/+/😀", "$share", "a/$share/g/b",
            "$share/g/a", "$share/g/#", "$share/g/+", "$share/group-1/a/+/c/#", "$share/g//a"})
    void acceptsValidFilters(String filter) {
        assertThat(TopicFilters.validateFilter(filter)).isSameAs(filter);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a/#/b       | '#' must be the last level",
        "\"#/\"       | '#' must be the last level",
        "\"#/#\"      | '#' must be the last level",
        "a#          | '#' must occupy a whole level",
        "a/b#        | '#' must occupy a whole level",
        "a/#b        | '#' must occupy a whole level",
        "a+          | '+' must occupy a whole level",
        "a/+b        | '+' must occupy a whole level",
        "++          | '+' must occupy a whole level",
        "a/b+/c      | '+' must occupy a whole level",
        "$share//a   | the shared subscription group must not be empty",
        "$share/g    | a shared subscription needs the form '$share/<group>/<filter>'",
        "$share/     | a shared subscription needs the form '$share/<group>/<filter>'",
        "$share/g/   | the topic filter after '$share/<group>/' must not be empty",
        "$share/g+/a | the shared subscription group must not contain '+' or '#'",
        "$share/#/a  | the shared subscription group must not contain '+' or '#'",
        "$share/g/a/#/b | '#' must be the last level",
        "$share/g/a+ | '+' must occupy a whole level"})
    void rejectsBrokenWildcardAndShareRules(String filter, String rule) {
        assertThatThrownBy(() -> TopicFilters.validateFilter(filter))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter '" + filter + "': " + rule);
    }

    @Test
    void messageMatchesTheDocumentedExample() {
        assertThatThrownBy(() -> TopicFilters.validateFilter("a/#/b"))
                .hasMessage("Invalid topic filter 'a/#/b': '#' must be the last level");
    }

    @Test
    void rejectsEmpty() {
        assertThatThrownBy(() -> TopicFilters.validateFilter(""))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter '': must not be empty");
    }

    @Test
    void rejectsNullCharacter() {
        assertThatThrownBy(() -> TopicFilters.validateFilter("a/\u0000/#"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter 'a/\\u0000/#': must not contain the null character U+0000"
                        + " (at index 2)");
    }

    @Test
    void rejectsUnpairedSurrogate() {
        assertThatThrownBy(() -> TopicFilters.validateFilter("+/\uDC00"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter '+/\\uDC00': is not valid UTF-8: unpaired surrogate character"
                        + " at index 2");
    }

    @Test
    void enforcesEncodedLengthLimit() {
        assertThat(TopicFilters.validateFilter("a".repeat(65_533) + "/#")).hasSize(65_535);
        assertThatThrownBy(() -> TopicFilters.validateFilter("ß".repeat(32_767) + "/#"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageEndingWith("is 65536 bytes in UTF-8, the maximum is 65535");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> TopicFilters.validateFilter(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void recognisesSharedSubscriptions() {
        assertThat(TopicFilters.isShared("$share/g/a")).isTrue();
        assertThat(TopicFilters.isShared("$share/g/#")).isTrue();
        assertThat(TopicFilters.isShared("$share")).isFalse();
        assertThat(TopicFilters.isShared("$SHARE/g/a")).isFalse();
        assertThat(TopicFilters.isShared("a/$share/g/b")).isFalse();
        assertThat(TopicFilters.isShared("$sharegroup/a")).isFalse();
    }

    @Test
    void extractsSharedGroup() {
        assertThat(TopicFilters.sharedGroup("$share/consumers-1/a/+")).contains("consumers-1");
        assertThat(TopicFilters.sharedGroup("a/+")).isEmpty();
        assertThat(TopicFilters.sharedGroup("$share")).isEmpty();
    }

    @Test
    void extractsMatchingFilter() {
        assertThat(TopicFilters.matchingFilter("$share/g/a/+")).isEqualTo("a/+");
        assertThat(TopicFilters.matchingFilter("$share/g/#")).isEqualTo("#");
        assertThat(TopicFilters.matchingFilter("$share/g//a")).isEqualTo("/a");
        assertThat(TopicFilters.matchingFilter("a/+")).isEqualTo("a/+");
        assertThat(TopicFilters.matchingFilter("$SYS/#")).isEqualTo("$SYS/#");
    }

    @Test
    void sharedPartsOfAMalformedShareFilterThrow() {
        assertThatThrownBy(() -> TopicFilters.sharedGroup("$share/g"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("'$share/<group>/<filter>'");
        assertThatThrownBy(() -> TopicFilters.matchingFilter("$share//a"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("group must not be empty");
    }

    @Test
    void detectsWildcards() {
        assertThat(TopicFilters.hasWildcard("a/+/b")).isTrue();
        assertThat(TopicFilters.hasWildcard("a/#")).isTrue();
        assertThat(TopicFilters.hasWildcard("$share/g/+")).isTrue();
        assertThat(TopicFilters.hasWildcard("a/b")).isFalse();
        assertThat(TopicFilters.hasWildcard("$share/g/a/b")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ov/#     | ov/a     | true",
        "ov/a     | ov/#     | true",
        "a/#      | a        | true",
        "a/+      | +/b      | true",
        "a/+/c    | a/b      | false",
        "a/b      | a/c      | false",
        "a        | a        | true",
        "#        | x/y/z    | true",
        "#        | $SYS/x   | false",
        "+/x      | $SYS/x   | false",
        "$SYS/#   | $SYS/x   | true",
        "+/+      | a/b/c    | false",
        "+/+/#    | a/b      | true",
        "$share/g/ov/# | ov/a | true",
        "$share/g/a | $share/h/b | false"})
    void overlapIsTrueWhenSomeTopicMatchesBothFilters(String a, String b, boolean expected) {
        assertThat(TopicFilters.overlap(a, b)).as("%s / %s", a, b).isEqualTo(expected);
        assertThat(TopicFilters.overlap(b, a)).as("%s / %s", b, a).isEqualTo(expected);
    }
}
