package io.github.camelmqttbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddCountIsTheMiddleSample() {
        Stats s = Stats.of(5, 1, 3);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(5);
        assertThat(s.count()).isEqualTo(3);
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheTwoMiddleSamples() {
        assertThat(Stats.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void singleSample() {
        Stats s = Stats.of(7);
        assertThat(s.median()).isEqualTo(7);
        assertThat(s.percentile(99)).isEqualTo(7);
    }

    @Test
    void nearestRankPercentiles() {
        double[] hundred = new double[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i; // 100..1, unsorted on purpose
        }
        Stats s = Stats.of(hundred);
        assertThat(s.percentile(50)).isEqualTo(50);
        assertThat(s.percentile(99)).isEqualTo(99);
        assertThat(s.percentile(100)).isEqualTo(100);
        assertThat(s.percentile(0.5)).isEqualTo(1);
    }

    @Test
    void doesNotKeepTheCallersArray() {
        double[] samples = {3, 1, 2};
        Stats s = Stats.of(samples);
        samples[0] = 100;
        assertThat(s.max()).isEqualTo(3);
        assertThat(samples[1]).isEqualTo(1); // not sorted in place
    }

    @Test
    void refusesNoSamplesAndNaN() {
        assertThatThrownBy(Stats::of).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.of(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.of(1).percentile(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
