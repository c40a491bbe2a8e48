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

    public long minMillis() {
        return minMillis;
    }

    public long maxMillis() {
        return maxMillis;
    }

    /** @param attempt 0 for the first retry */
    public long delayMillis(int attempt) {
        return jittered(ceilingMillis(attempt));
    }

    /** The longest delay of attempt n: min(max, min * 2^n). */
    public long ceilingMillis(int attempt) {
        long ceiling = attempt >= 40 ? maxMillis : Math.min(maxMillis, minMillis << Math.min(Math.max(attempt, 0), 40));
        return ceiling <= 0 ? maxMillis : ceiling;
    }

    /** A random delay in [ceiling/2, ceiling], never below the minimum; {@code ceiling} is clamped to [min, max]. */
    public long jittered(long ceiling) {
        long c = Math.max(minMillis, Math.min(maxMillis, ceiling));
        long floor = Math.max(minMillis, c / 2);
        return floor >= c ? c : ThreadLocalRandom.current().nextLong(floor, c + 1);
    }
}
