package io.github.camelmqttbridge.benchmarks;

/** How long to measure. Quick proves the harness and gives rough figures; full is for publishing. */
public enum Mode {
    /** Small N, 3 repeats, short JMH iterations: a few minutes on 2 cores. */
    QUICK(20_000, 3),
    /** Large N, 5 repeats, JMH with several forks: for the published figures, on a quiet machine. */
    FULL(200_000, 5);

    private final int defaultMessages;
    private final int defaultRepeats;

    Mode(int defaultMessages, int defaultRepeats) {
        this.defaultMessages = defaultMessages;
        this.defaultRepeats = defaultRepeats;
    }

    public int defaultMessages() {
        return defaultMessages;
    }

    public int defaultRepeats() {
        return defaultRepeats;
    }
}
