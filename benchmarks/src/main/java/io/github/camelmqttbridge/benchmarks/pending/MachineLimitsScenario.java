package io.github.camelmqttbridge.benchmarks.pending;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;

/** Placeholder: the limits the bridge figure is read against. */
public final class MachineLimitsScenario implements Scenario {

    @Override
    public String name() {
        return "machine-limits";
    }

    @Override
    public String title() {
        return "Limits of this machine: broker alone, Kafka alone";
    }

    @Override
    public Result run(Config config) {
        return Result.notYetRun("""
                the broker alone (the raw subscriber rate of our engine at QoS 1, as in the raw-client scenario, \
                without Camel) and Kafka alone (a plain producer, `acks=all`, 100-byte records, to the same Kafka \
                the bridge scenario uses), in the same run, so the bridge's figure reads as a fraction of \
                min(broker, Kafka). Needs the Kafka broker the bridge scenarios start.""");
    }
}
