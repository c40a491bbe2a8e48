package io.github.camelmqttbridge.component.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.component.consumer.RedeliveryPolicy.Decision;
import org.junit.jupiter.api.Test;

class RedeliveryPolicyTest {

    @Test
    void backOffDoublesUpToTheMaximum() {
        RedeliveryPolicy p = new RedeliveryPolicy(100, 1000, -1, true);
        assertThat(p.delayMillis(0)).isEqualTo(100);
        assertThat(p.delayMillis(1)).isEqualTo(200);
        assertThat(p.delayMillis(3)).isEqualTo(800);
        assertThat(p.delayMillis(4)).isEqualTo(1000);
        assertThat(p.delayMillis(1_000_000)).isEqualTo(1000);
    }

    @Test
    void aHugeMaximumDoesNotOverflow() {
        RedeliveryPolicy p = new RedeliveryPolicy(1000, Long.MAX_VALUE, -1, true);
        assertThat(p.delayMillis(200)).isPositive();
    }

    @Test
    void zeroDelayStaysZeroAndAMaximumBelowTheDelayIsTheDelay() {
        assertThat(new RedeliveryPolicy(0, 1000, -1, true).delayMillis(5)).isZero();
        assertThat(new RedeliveryPolicy(500, 10, -1, true).delayMillis(3)).isEqualTo(500);
    }

    @Test
    void redeliversForEverByDefaultAndGivesUpAtTheLimit() {
        assertThat(new RedeliveryPolicy(1, 1, -1, true).decide(1_000_000)).isEqualTo(Decision.REDELIVER);
        RedeliveryPolicy limited = new RedeliveryPolicy(1, 1, 2, true);
        assertThat(limited.decide(0)).isEqualTo(Decision.REDELIVER);
        assertThat(limited.decide(1)).isEqualTo(Decision.REDELIVER);
        assertThat(limited.decide(2)).isEqualTo(Decision.GIVE_UP);
        assertThat(new RedeliveryPolicy(1, 1, 0, true).decide(0)).isEqualTo(Decision.GIVE_UP);
    }

    @Test
    void ackOnReceiveHasNothingToRedeliver() {
        assertThat(new RedeliveryPolicy(1, 1, -1, false).decide(0)).isEqualTo(Decision.ALREADY_ACKNOWLEDGED);
    }
}
