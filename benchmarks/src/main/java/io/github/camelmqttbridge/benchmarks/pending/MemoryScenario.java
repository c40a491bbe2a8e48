package io.github.camelmqttbridge.benchmarks.pending;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;

/** Placeholder: heap and RSS of the bridge under a fixed offered rate and with a slow sink. */
public final class MemoryScenario implements Scenario {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String title() {
        return "Memory: bridge heap and RSS at a fixed rate and with a slow sink";
    }

    @Override
    public Result run(Config config) {
        return Result.notYetRun("""
                peak heap (after GC) and RSS of a bridge JVM at a fixed offered rate, and with a sink ten times \
                slower than the source: heap must stay within a fixed bound (backpressure through the MQTT receive \
                window, not buffering). Sampled once a second from the bridge process; reports peak and the slope \
                over the second half of the run. Needs the bridge module.""");
    }
}
