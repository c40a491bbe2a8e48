package io.github.camelmqttbridge.mqtt.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter between a minimum and a maximum delay: attempt n waits a random time
 * in [d/2, d] with d = min(max, min * 2^n), so a fleet of clients that lost the same broker does not come
 * back in lock-step.
 */
public final class ReconnectBackoff {
    private final long minMillis;
    private final long maxMillis;

    public ReconnectBackoff(long minMillis, long maxMillis) {
        this.minMillis = Math.max(1, minMillis);
        this.maxMillis = Math.max(this.minMillis, maxMillis);
    }

    /** @param attempt 0 for the first retry */
    public long delayMillis(int attempt) {
        long ceiling = attempt >= 40 ? maxMillis : Math.min(maxMillis, minMillis << Math.min(attempt, 40));
        if (ceiling <= 0) {
            ceiling = maxMillis;
        }
        long floor = Math.max(minMillis, ceiling / 2);
        return floor >= ceiling ? ceiling : ThreadLocalRandom.current().nextLong(floor, ceiling + 1);
    }
}
