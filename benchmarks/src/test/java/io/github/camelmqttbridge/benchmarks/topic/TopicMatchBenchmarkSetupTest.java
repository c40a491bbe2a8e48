package io.github.camelmqttbridge.benchmarks.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.topic.TopicMatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the JMH benchmark measures: the filter set has the asked size and a fixed number of matches. */
class TopicMatchBenchmarkSetupTest {

    @ParameterizedTest
    @CsvSource({"10,3", "10,8", "10000,3", "10000,8"})
    void filterSetHasTheAskedSizeAndExactlyFiveMatches(int filters, int depth) {
        TopicMatcher<Integer> matcher = TopicMatchBenchmark.build(filters, depth);
        assertThat(matcher.size()).isEqualTo(filters);
        assertThat(matcher.match(TopicMatchBenchmark.topic(depth))).hasSize(TopicMatchBenchmark.EXPECTED_MATCHES);
        assertThat(TopicMatchBenchmark.topic(depth).split("/")).hasSize(depth);
    }
}
