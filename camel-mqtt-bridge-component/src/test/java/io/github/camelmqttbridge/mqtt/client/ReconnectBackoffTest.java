package io.github.camelmqttbridge.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void delaysStayWithinMinAndMaxAndGrow() {
        ReconnectBackoff b = new ReconnectBackoff(100, 10_000);
        for (int attempt = 0; attempt < 100; attempt++) {
            long ceiling = Math.min(10_000, 100L << Math.min(attempt, 20));
            for (int i = 0; i < 50; i++) {
                long d = b.delayMillis(attempt);
                assertThat(d).as("attempt %d", attempt).isBetween(Math.max(100, ceiling / 2), ceiling);
            }
        }
        assertThat(b.delayMillis(0)).isEqualTo(100);
        assertThat(b.delayMillis(1000)).isBetween(5_000L, 10_000L);
        assertThat(b.delayMillis(Integer.MAX_VALUE)).isBetween(5_000L, 10_000L);
    }

    @Test
    void delaysAreJittered() {
        ReconnectBackoff b = new ReconnectBackoff(100, 60_000);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.add(b.delayMillis(5));
        }
        assertThat(seen).hasSizeGreaterThan(10);
    }

    @Test
    void largeMinimumDoesNotOverflow() {
        ReconnectBackoff b = new ReconnectBackoff(1L << 40, 1L << 50);
        for (int attempt = 0; attempt < 64; attempt++) {
            assertThat(b.delayMillis(attempt)).isBetween(1L << 40, 1L << 50);
        }
    }

    @Test
    void minimumAboveMaximumIsClamped() {
        assertThat(new ReconnectBackoff(500, 100).delayMillis(3)).isEqualTo(500);
        assertThat(new ReconnectBackoff(0, 0).delayMillis(0)).isEqualTo(1);
    }
}
