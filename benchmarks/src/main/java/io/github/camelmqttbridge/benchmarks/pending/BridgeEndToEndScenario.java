package io.github.camelmqttbridge.benchmarks.pending;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;

/** Placeholder until the mqtt-bridge endpoint and the YAML routes module are on this branch. */
public final class BridgeEndToEndScenario implements Scenario {

    @Override
    public String name() {
        return "bridge-e2e";
    }

    @Override
    public String title() {
        return "Bridge end to end: MQTT -> Kafka (acks=all) through a YAML route";
    }

    @Override
    public Result run(Config config) {
        return Result.notYetRun("""
                N messages at QoS 1 (and QoS 2) from an MQTT publisher through one YAML route to Kafka \
                (`acks=all`), three ways in the same run: `mqtt-bridge:` with ack-after-commit; the same route on \
                `paho-mqtt5:` with `manualAcksEnabled=true` (same delivery guarantee); and `paho-mqtt5:` with its \
                default auto-ack. Throughput (msg/s, ratio to mqtt-bridge) and latency p50/p99/max from publish to \
                Kafka ack (publish timestamp in the payload). Needs the Camel endpoint and the bridge/routes module; \
                it will be a Scenario class here, the runner does not change. Target: at least 3× paho-mqtt5 with \
                manual acks and at least 70 % of min(broker limit, Kafka limit).""");
    }
}
