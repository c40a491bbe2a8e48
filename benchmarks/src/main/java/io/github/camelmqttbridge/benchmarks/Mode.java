package io.github.camelmqttbridge.benchmarks;

/** How long to measure. Quick proves the harness and gives rough figures; full is for publishing. */
public enum Mode {
    /** Small N, 5 repeats, short JMH iterations: under 10 minutes on 2 cores. */
    QUICK(20_000, 100_000, 5),
    /** Large N, 5 repeats, JMH with several forks: for the published figures, on a quiet machine. */
    FULL(200_000, 200_000, 5);

    private final int defaultMessages;
    private final int defaultBridgeMessages;
    private final int defaultRepeats;

    Mode(int defaultMessages, int defaultBridgeMessages, int defaultRepeats) {
        this.defaultMessages = defaultMessages;
        this.defaultBridgeMessages = defaultBridgeMessages;
        this.defaultRepeats = defaultRepeats;
    }

    /**
     * Messages per bridge run (machine-limits, bridge-e2e, scale-out). Larger than the raw clients' N in quick mode:
     * at 20,000 a bridge run lasted about half a second, of which filling and draining the pipeline (publish to
     * Kafka ack, 50-100 ms each way) was a fifth, so the figure measured latency more than throughput (the same
     * bridge measured 30,405 msg/s at N = 20,000 and 41,000 at N = 300,000 on this machine).
     */
    public int defaultBridgeMessages() {
        return defaultBridgeMessages;
    }

    public int defaultMessages() {
        return defaultMessages;
    }

    public int defaultRepeats() {
        return defaultRepeats;
    }
}
