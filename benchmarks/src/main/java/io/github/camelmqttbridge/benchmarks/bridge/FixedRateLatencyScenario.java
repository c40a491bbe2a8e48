package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latency below saturation: one topic, QoS 1 → Kafka (acks=all, idempotent) at a fixed offered rate, mqtt-bridge
 * with default options against paho-mqtt5 with manual acks; p50/p99/max from publish to Kafka's ack, and the bridge
 * JVM's CPU per message at that rate.
 */
public final class FixedRateLatencyScenario implements Scenario {

    static final double RATE = 5000;
    private static final AtomicInteger IDS = new AtomicInteger();

    private record Variant2(String label, Variant variant, boolean baseline) {
    }

    @Override
    public String name() {
        return "fixed-rate-latency";
    }

    @Override
    public String title() {
        return "Latency at a fixed rate below saturation: one topic, QoS 1 → Kafka";
    }

    @Override
    public Result run(Config config) {
        int seconds = config.quick() ? 5 : 20;
        int n = (int) (RATE * seconds);
        Result result = Result.of(String.format(Locale.ROOT, """
                The bridge of the hot-topic scenario (a JVM of its own, the route `kafka.KEY` → `kafka:` acks=all, \
                idempotent, `synchronous=false` → a counting step) while our engine publishes QoS 1 on one topic at a \
                fixed offered rate of %,.0f msg/s for %d s (N = %,d messages of %d bytes, each carrying \
                `System.nanoTime()` at publish; the bridge JVM reads the same monotonic clock of this machine). Latency \
                = Kafka's ack (the step after `kafka:`) − publish, per message; p50/p99/max of each run, median over R \
                = %d runs after one unmeasured warm-up run at full speed (N of the hot-topic scenario). CPU per message = user + system CPU of \
                the bridge JVM from the first publish to the last Kafka ack / N: the cost of a realistic load, not of a \
                saturated one. mqtt-bridge with default options (`ordering=pipelined`); paho-mqtt5 with \
                `manualAcksEnabled=true`.""", RATE, seconds, n, config.payloadSize(), HotTopicScenario.repeats(config)));
        List<Variant2> variants = List.of(new Variant2("mqtt-bridge, defaults (ordering=pipelined)", Variant.OURS, true),
                new Variant2("paho-mqtt5, manualAcksEnabled=true", Variant.PAHO_MANUAL, false));
        Map<Variant2, ChildBridge> children = new LinkedHashMap<>();
        Map<Variant2, String> prefixes = new LinkedHashMap<>();
        Map<Variant2, List<double[]>> runs = new LinkedHashMap<>();
        try {
            for (Variant2 v : variants) {
                int id = IDS.incrementAndGet();
                String prefix = "bench/rate/" + id;
                try {
                    var kafka = BenchKafka.get();
                    String topic = "bench-rate-" + id;
                    kafka.createTopics(topic);
                    Map<String, String> args = new LinkedHashMap<>();
                    args.put("variant", v.variant().shortName());
                    args.put("broker", config.brokerUri());
                    args.put("filter", prefix + "/+/+");
                    args.put("qos", "1");
                    args.put("kafka", kafka.bootstrapServers());
                    args.put("kafkaTopic", topic);
                    args.put("clientId", "bench-rate-" + v.variant().shortName() + "-" + id);
                    args.put("window", String.valueOf(config.window()));
                    ChildBridge child = ChildBridge.start(args);
                    child.command("START");
                    Thread.sleep(300);
                    children.put(v, child);
                    prefixes.put(v, prefix);
                    // warm-up at full speed, so that C2 has compiled the path before the paced runs
                    String error = oneRun(config, child, prefix, Math.max(n, HotTopicScenario.messages(config)), 0,
                            v.label() + " warm-up", new ArrayList<>());
                    if (error != null) {
                        result.problem(v.label() + ", warm-up: " + error);
                    }
                } catch (Exception e) {
                    result.problem(v.label() + ": could not start the bridge JVM: " + e);
                }
            }
            List<Variant2> live = new ArrayList<>(children.keySet());
            for (int r = 0; r < HotTopicScenario.repeats(config); r++) {
                for (int i = 0; i < live.size(); i++) {
                    Variant2 v = live.get((i + r) % live.size());
                    String error = oneRun(config, children.get(v), prefixes.get(v), n, RATE,
                            v.label() + " run " + (r + 1) + "/" + HotTopicScenario.repeats(config),
                            runs.computeIfAbsent(v, k -> new ArrayList<>()));
                    if (error != null) {
                        result.problem(v.label() + ", run " + (r + 1) + ": " + error);
                    }
                }
            }
        } finally {
            children.values().forEach(ChildBridge::close);
        }
        String group = String.format(Locale.ROOT, "QoS 1 → Kafka, 1 topic, offered %,.0f msg/s", RATE);
        String[] what = {"latency p50", "latency p99", "latency max", "bridge JVM CPU per message"};
        String[] unit = {"ms", "ms", "ms", "µs/msg"};
        for (int w = 0; w < what.length; w++) {
            for (Variant2 v : variants) {
                List<Double> values = new ArrayList<>();
                for (double[] run : runs.getOrDefault(v, List.of())) {
                    values.add(run[w]);
                }
                result.add(new Figure(group + ", " + what[w], v.label(), unit[w], values.isEmpty() ? null : Stats.of(values),
                        false, v.baseline(), ""));
            }
        }
        return result;
    }

    /** One paced run; adds {p50, p99, max, cpu µs/msg}. */
    private static String oneRun(Config config, ChildBridge child, String prefix, int n, double rate, String label,
            List<double[]> out) {
        Progress.Tracker tracker = config.progress().track(label + " (published)", n);
        try {
            child.command("RESET " + n + " 1");
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-rate-src-" + IDS.incrementAndGet(),
                    config.window())) {
                child.command("MARK");
                String error = publisher.publish(prefix, 1, 1, n, config.payloadSize(), rate, BridgeRun.stall(config),
                        published -> {
                            if (published % 500 == 0) {
                                tracker.set(published);
                            }
                        });
                if (error != null) {
                    tracker.finish("FAILED (publisher)");
                    return error;
                }
            }
            ChildBridge.Status s = child.awaitDone(BridgeRun.stall(config), null);
            if (!s.done()) {
                tracker.finish("INCOMPLETE");
                return "only " + s.distinct() + " of " + n + " reached Kafka; bridge log " + child.log();
            }
            double[] lat = child.latencies();
            double cpu = s.cpuNanos() / 1e3 / n;
            out.add(new double[] {lat[0], lat[1], lat[2], cpu});
            tracker.finish(String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms, %.1f µs CPU/msg", lat[0],
                    lat[1], lat[2], cpu));
            return null;
        } catch (Exception e) {
            tracker.finish("FAILED: " + e);
            return "exception " + e;
        }
    }
}
