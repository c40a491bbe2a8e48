package io.github.camelmqttbridge.benchmarks.pending;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;

/** Placeholder: one and two bridge instances on one shared subscription. */
public final class ScaleOutScenario implements Scenario {

    @Override
    public String name() {
        return "scale-out";
    }

    @Override
    public String title() {
        return "Scale-out: 1 and 2 bridge instances on one $share/ subscription";
    }

    @Override
    public Result run(Config config) {
        return Result.notYetRun("""
                total rate of 1 and of 2 bridge instances consuming one `$share/<group>/<filter>` subscription into \
                Kafka, and that each message is bridged exactly once (sequence numbers counted on the Kafka side: \
                lost and duplicated reported). Needs the bridge module.""");
    }
}
