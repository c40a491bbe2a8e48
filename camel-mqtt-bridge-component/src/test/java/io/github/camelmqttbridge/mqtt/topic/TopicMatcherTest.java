package io.github.camelmqttbridge.mqtt.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicMatcherTest {

    private final TopicMatcher<String> matcher = new TopicMatcher<>();

    // filter | topic | expected; quoted with " so that '#' and empty levels survive the CSV parser
    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"a/b\"          | \"a/b\"          | true",
        "\"a/b\"          | \"a/b/c\"        | false",
        "\"a/b\"          | \"a\"            | false",
        "\"a/b\"          | \"A/b\"          | false",
        "\"+\"            | \"a\"            | true",
        "\"+\"            | \"a/b\"          | false",
        "\"+\"            | \"/\"            | false",
        "\"+/+\"          | \"/\"            | true",
        "\"a/+\"          | \"a/b\"          | true",
        "\"a/+\"          | \"a/\"           | true",
        "\"a/+\"          | \"a\"            | false",
        "\"a/+\"          | \"a/b/c\"        | false",
        "\"a/+/c\"        | \"a/b/c\"        | true",
        "\"a/+/c\"        | \"a//c\"         | true",
        "\"#\"            | \"a\"            | true",
        "\"#\"            | \"a/b/c\"        | true",
        "\"#\"            | \"/\"            | true",
        "\"#\"            | \"/a\"           | true",
        "\"a/#\"          | \"a\"            | true",
        "\"a/#\"          | \"a/\"           | true",
        "\"a/#\"          | \"a/b/c\"        | true",
        "\"a/#\"          | \"ab\"           | false",
        "\"a/#\"          | \"b/a\"          | false",
        "\"a/b/#\"        | \"a\"            | false",
        "\"+/#\"          | \"a\"            | true",
        "\"+/#\"          | \"a/b/c\"        | true",
        "\"/#\"           | \"/a\"           | true",
        "\"/#\"           | \"a\"            | false",
        "\"/+\"           | \"/a\"           | true",
        "\"+/a\"          | \"/a\"           | true",
        "\"a//b\"         | \"a//b\"         | true",
        "\"a//b\"         | \"a/b\"          | false",
        "\"a/b\"          | \"a//b\"         | false",
        "\"#\"            | \"$SYS/x\"       | false",
        "\"#\"            | \"$SYS\"         | false",
        "\"+/x\"          | \"$SYS/x\"       | false",
        "\"+\"            | \"$x\"           | false",
        "\"+/#\"          | \"$SYS/x\"       | false",
        "\"$SYS/#\"       | \"$SYS/x\"       | true",
        "\"$SYS/#\"       | \"$SYS\"         | true",
        "\"$SYS/+\"       | \"$SYS/x\"       | true",
        "\"$SYS/x\"       | \"$SYS/x\"       | true",
        "\"a/+\"          | \"a/$x\"         | true",
        "\"a/#\"          | \"a/$x/y\"       | true",
        "\"$share/g/a/+\" | \"a/b\"          | true",
        "\"$share/g/#\"   | \"a/b\"          | true",
        "\"$share/g/#\"   | \"$SYS/x\"       | false",
        "\"$share/g/a/+\" | \"$share/g/a/b\" | false",
        "\"ü/+\"          | \"ü/😀\"         | true"})
    void appliesMqttMatchingRules(String filter, String topic, boolean expected) {
        assertThat(TopicMatcher.matches(filter, topic)).as("static matches").isEqualTo(expected);

        TopicMatcher<String> trie = new TopicMatcher<>();
        trie.add(filter, "v");
        assertThat(trie.match(topic)).as("trie match").isEqualTo(expected ? List.of("v") : List.of());
    }

    @Test
    void staticMatchesRejectsInvalidInput() {
        assertThatThrownBy(() -> TopicMatcher.matches("a/#/b", "a"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter 'a/#/b': '#' must be the last level");
        assertThatThrownBy(() -> TopicMatcher.matches("a", "a/+"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageStartingWith("Invalid topic name 'a/+'");
    }

    @Test
    void emptyMatcher() {
        assertThat(matcher.isEmpty()).isTrue();
        assertThat(matcher.size()).isZero();
        assertThat(matcher.match("a/b")).isEmpty();
    }

    @Test
    void returnsAValueOncePerMatchingFilter() {
        matcher.add("a/b", "x");
        matcher.add("a/+", "x");
        matcher.add("#", "x");
        matcher.add("a/#", "y");
        matcher.add("b/#", "z");

        assertThat(matcher.match("a/b")).containsExactlyInAnyOrder("x", "x", "x", "y");
        assertThat(matcher.match("a")).containsExactlyInAnyOrder("x", "y");
        assertThat(matcher.match("b")).containsExactlyInAnyOrder("x", "z");
        assertThat(matcher.size()).isEqualTo(5);
    }

    @Test
    void addingTheSamePairTwiceKeepsOneCopy() {
        assertThat(matcher.add("a/+", "x")).isTrue();
        assertThat(matcher.add("a/+", "x")).isFalse();
        assertThat(matcher.add("a/+", "y")).isTrue();

        assertThat(matcher.size()).isEqualTo(2);
        assertThat(matcher.match("a/b")).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void dollarTopicsAreOnlyMatchedByFiltersWithALiteralFirstLevel() {
        matcher.add("#", "all");
        matcher.add("+/broker/#", "plus");
        matcher.add("$SYS/#", "sys");
        matcher.add("$SYS/broker/+", "sys-broker");

        assertThat(matcher.match("$SYS/broker/load")).containsExactlyInAnyOrder("sys", "sys-broker");
        assertThat(matcher.match("$SYS")).containsExactly("sys");
        assertThat(matcher.match("sys/broker/load")).containsExactlyInAnyOrder("all", "plus");
    }

    @Test
    void sharedSubscriptionsMatchOnTheFilterAfterTheGroup() {
        matcher.add("$share/g1/sensors/+/temp", "shared-g1");
        matcher.add("$share/g2/sensors/+/temp", "shared-g2");
        matcher.add("sensors/+/temp", "plain");
        matcher.add("sensors/+/temp", "shared-g1"); // same value, different filter: counted separately

        assertThat(matcher.match("sensors/7/temp"))
                .containsExactlyInAnyOrder("shared-g1", "shared-g2", "plain", "shared-g1");
        assertThat(matcher.match("$share/g1/sensors/7/temp")).isEmpty();

        assertThat(matcher.remove("$share/g1/sensors/+/temp", "shared-g1")).isTrue();
        assertThat(matcher.match("sensors/7/temp")).containsExactlyInAnyOrder("shared-g2", "plain", "shared-g1");
        assertThat(matcher.remove("$share/g1/sensors/+/temp", "shared-g1")).isFalse();
        assertThat(matcher.remove("$share/g2/sensors/+/temp", "shared-g1")).isFalse();
        assertThat(matcher.size()).isEqualTo(3);
    }

    @Test
    void removesOnlyTheGivenPair() {
        matcher.add("a/+", "x");
        matcher.add("a/+", "y");
        matcher.add("a/b", "x");

        assertThat(matcher.remove("a/+", "x")).isTrue();
        assertThat(matcher.match("a/b")).containsExactlyInAnyOrder("y", "x");
        assertThat(matcher.remove("a/+", "x")).as("already removed").isFalse();
        assertThat(matcher.remove("a/+", "z")).as("never added value").isFalse();
        assertThat(matcher.remove("a/c/d", "x")).as("never added filter").isFalse();
        assertThat(matcher.remove("a", "x")).as("inner node without values").isFalse();
        assertThat(matcher.size()).isEqualTo(2);
    }

    @Test
    void becomesEmptyAfterRemovingEverythingAndCanBeReused() {
        List<String> filters = List.of("a/b/c", "a/b", "a/+/c", "a/#", "#", "+", "/", "a//b", "$SYS/#",
                "$share/g/a/b");
        for (String filter : filters) {
            matcher.add(filter, filter);
        }
        assertThat(matcher.size()).isEqualTo(filters.size());
        for (String filter : filters) {
            assertThat(matcher.remove(filter, filter)).as(filter).isTrue();
        }
        assertThat(matcher.isEmpty()).isTrue();
        assertThat(matcher.match("a/b/c")).isEmpty();

        matcher.add("a/b/c", "again");
        assertThat(matcher.match("a/b/c")).containsExactly("again");
    }

    @Test
    void removingALeafKeepsSiblingsAndParents() {
        matcher.add("a/b/c", "leaf");
        matcher.add("a/b", "parent");
        matcher.add("a/b/d", "sibling");

        matcher.remove("a/b/c", "leaf");

        assertThat(matcher.match("a/b")).containsExactly("parent");
        assertThat(matcher.match("a/b/d")).containsExactly("sibling");
        assertThat(matcher.match("a/b/c")).isEmpty();
    }

    @Test
    void rejectsInvalidFiltersAndTopics() {
        assertThatThrownBy(() -> matcher.add("a/#/b", "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter 'a/#/b': '#' must be the last level");
        assertThatThrownBy(() -> matcher.add("$share/g", "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter '$share/g': a shared subscription needs the form"
                        + " '$share/<group>/<filter>'");
        assertThatThrownBy(() -> matcher.remove("a+", "x"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic filter 'a+': '+' must occupy a whole level");
        assertThatThrownBy(() -> matcher.match("a/#"))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessageStartingWith("Invalid topic name 'a/#': wildcard '#'");
        assertThatThrownBy(() -> matcher.match(""))
                .isInstanceOf(InvalidTopicException.class)
                .hasMessage("Invalid topic name '': must not be empty");
        assertThatThrownBy(() -> matcher.add("a", null)).isInstanceOf(NullPointerException.class);
        assertThat(matcher.isEmpty()).isTrue();
    }

    @Test
    void handlesVeryDeepTopicsWithoutRecursion() {
        String deepFilter = "/".repeat(40_000) + "#";
        String deepTopic = "a/".repeat(30_000) + "end";
        TopicMatcher<Integer> deep = new TopicMatcher<>();
        deep.add("#", 1);
        deep.add(deepFilter, 2);
        deep.add("a/".repeat(30_000) + "+", 3);

        assertThat(deep.match(deepTopic)).containsExactlyInAnyOrder(1, 3);
        assertThat(deep.match("/".repeat(40_000) + "x")).containsExactlyInAnyOrder(1, 2);
        assertThat(deep.remove(deepFilter, 2)).isTrue();
        assertThat(deep.match("/".repeat(40_000) + "x")).containsExactly(1);
    }

    @Test
    void matchesCorrectlyWithOneHundredThousandFilters() {
        TopicMatcher<Integer> big = new TopicMatcher<>();
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            assertThat(big.add("plant/" + (i % 100) + "/line/" + i + "/temp", i)).isTrue();
        }
        big.add("plant/+/line/#", -1);
        big.add("plant/7/#", -2);
        big.add("$share/g/plant/+/line/+/temp", -3);
        assertThat(big.size()).isEqualTo(count + 3);

        for (int i = 0; i < count; i++) {
            List<Integer> expected = new ArrayList<>(List.of(i, -1, -3));
            if (i % 100 == 7) {
                expected.add(-2);
            }
            assertThat(big.match("plant/" + (i % 100) + "/line/" + i + "/temp"))
                    .as("topic for filter %d", i)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(big.match("plant/3/line/4/temp")).as("line 4 lives under plant 4").containsExactlyInAnyOrder(-1, -3);
        assertThat(big.match("plant/3/line")).containsExactly(-1);

        for (int i = 0; i < count; i += 2) {
            assertThat(big.remove("plant/" + (i % 100) + "/line/" + i + "/temp", i)).isTrue();
        }
        assertThat(big.size()).isEqualTo(count / 2 + 3);
        assertThat(big.match("plant/42/line/142/temp")).containsExactlyInAnyOrder(-1, -3);
        assertThat(big.match("plant/43/line/143/temp")).containsExactlyInAnyOrder(143, -1, -3);
    }

    @Test
    void trieAgreesWithTheSingleCheckOnRandomFiltersAndTopics() {
        Random random = new Random(4711);
        String[] words = {"a", "b", "c", "", "$SYS", "$x"};
        List<String> filters = new ArrayList<>();
        TopicMatcher<String> trie = new TopicMatcher<>();
        for (int i = 0; i < 3_000; i++) {
            String filter = randomFilter(random, words);
            filters.add(filter);
            trie.add(filter, filter);
        }
        for (int i = 0; i < 1_000; i++) {
            String topic = randomTopic(random, words);
            List<String> expected = new ArrayList<>();
            for (String filter : filters) {
                if (TopicMatcher.matches(filter, topic)) {
                    expected.add(filter);
                }
            }
            assertThat(trie.match(topic)).as(topic).containsExactlyInAnyOrderElementsOf(
                    expected.stream().distinct().toList());
        }
    }

    private static String randomFilter(Random random, String[] words) {
        int depth = 1 + random.nextInt(4);
        StringBuilder filter = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            if (level > 0) {
                filter.append('/');
            }
            int pick = random.nextInt(words.length + 2);
            if (pick == words.length && level == depth - 1) {
                filter.append('#');
            } else if (pick >= words.length) {
                filter.append('+');
            } else {
                filter.append(words[pick]);
            }
        }
        if (filter.length() == 0) {
            return randomFilter(random, words); // a single empty level is no valid filter
        }
        return random.nextInt(10) == 0 ? "$share/g/" + filter : filter.toString();
    }

    private static String randomTopic(Random random, String[] words) {
        int depth = 1 + random.nextInt(4);
        StringBuilder topic = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            if (level > 0) {
                topic.append('/');
            }
            topic.append(words[random.nextInt(words.length)]);
        }
        return topic.length() == 0 ? randomTopic(random, words) : topic.toString();
    }
}
