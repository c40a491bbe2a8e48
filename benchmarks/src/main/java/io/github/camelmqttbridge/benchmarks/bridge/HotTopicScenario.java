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
 * Issue 12: one topic into Kafka (acks=all, idempotent) at full speed, the bridge in a JVM of its own so that its CPU
 * per message is measured; the same with 100 topics; QoS 2 against our engine subscribing with nothing else to do.
 */
public final class HotTopicScenario implements Scenario {

    private static final AtomicInteger IDS = new AtomicInteger();

    /**
     * For profiling or trying one case: {@code -Dbench.hot.cases=REGEX} over "group: label" (e.g. {@code '1 topic:
     * mqtt-bridge, defaults'}). Unset, as for published figures: all.
     */
    private static final String CASES = System.getProperty("bench.hot.cases");

    /** One bridge configuration measured in this scenario. */
    record Case(String label, Variant variant, int topics, int qos, Map<String, String> options, int messages,
            boolean baseline) {
    }

    /** The medians of one case, or null where no run finished. */
    record Medians(Double rate, Double cpuMicros) {
    }

    private static final Medians NONE = new Medians(null, null);

    @Override
    public String name() {
        return "hot-topic";
    }

    @Override
    public String title() {
        return "One hot topic into Kafka: ordered pipelining, bridge CPU per message";
    }

    @Override
    public Result run(Config config) throws Exception {
        int n = messages(config);
        int repeats = repeats(config);
        int strictN = Math.min(n / 10, 20_000);
        Result result = Result.of(String.format(Locale.ROOT, """
                Each bridge runs in a JVM of its own (`ChildBridgeMain`, `-Xmx512m`; Mosquitto, Kafka and the publisher \
                are outside it), so that its CPU time can be measured: the route of the bridge scenario (`kafka.KEY` \
                from the MQTT topic → `kafka:` `requestRequiredAcks=all`, `enableIdempotence=true`, \
                `maxInFlightRequest=5`, `lingerMs=5` as in `routes/mqtt-to-kafka.yaml`, `synchronous=false` → a \
                counting step after Kafka's ack), MQTT 5, clean start. Per run our engine publishes N = %,d messages \
                of %d bytes (window W = %d, as fast as the window allows) on 1 topic (`bench/hot/<id>/d0/m`) or round \
                robin on 100 (`d0..d99`); one Kafka partition. Rate = N / (first publish → Kafka ack of the last \
                message); **CPU per message** = user + system CPU time of the bridge JVM over that interval \
                (`getProcessCpuTime`) / N. Start-up and JIT warm-up are outside the interval: each bridge JVM first \
                bridges one unmeasured warm-up run of the same size (instead of subtracting a start-up run; with fewer, \
                C2 still compiled through the measured runs, up to half of the JVM's CPU samples). \
                mqtt-bridge: `receiveMaximum=maxInflight=%d`, default options otherwise (`ordering=pipelined` per \
                topic); `ordering=strict` (the default before issue 12) bridges %,d messages per run with \
                `lingerMs=0` (one Kafka round trip per message; a linger would add to each). paho-mqtt5: \
                `manualAcksEnabled=true` (ack when the exchange completed: the same guarantee), Mosquitto's \
                `max_inflight_messages %d` as its window. R = %d runs per figure, cases rotated per round. **Order** \
                (notes): after each run the run's records are read back from Kafka; *order* counts records whose \
                sequence number is lower than an earlier one of the same key (the MQTT topic), duplicates not counted \
                (0 is required of the ordered variants). **Broker alone**: our engine (no Camel) subscribes to the \
                same topic with automatic acks and only counts, while the same publisher publishes: the most any \
                consumer could receive here.""",
                n, config.payloadSize(), config.window(), config.window(), strictN, config.window(), repeats));
        Map<String, String> none = Map.of();
        List<Case> oneTopic = List.of(
                new Case("mqtt-bridge, defaults (ordering=pipelined)", Variant.OURS, 1, 1, none, n, true),
                new Case("mqtt-bridge, ordering=strict (Kafka lingerMs=0)", Variant.OURS, 1, 1,
                        Map.of("ordering", "strict", "kafka.lingerMs", "0"), strictN, false),
                new Case("mqtt-bridge, ordering=none", Variant.OURS, 1, 1, Map.of("ordering", "none"), n, false),
                new Case("paho-mqtt5, manualAcksEnabled=true", Variant.PAHO_MANUAL, 1, 1, none, n, false),
                new Case("paho-mqtt5, default auto-ack (ack on receipt)", Variant.PAHO_AUTO, 1, 1, none, n, false));
        if (config.quick()) {
            oneTopic = oneTopic.subList(0, 4); // auto-ack Paho (not the same guarantee) in full mode only
        }
        List<Case> hundredTopics = List.of(
                new Case("mqtt-bridge, defaults (ordering=pipelined)", Variant.OURS, 100, 1, none, n, true),
                new Case("paho-mqtt5, manualAcksEnabled=true", Variant.PAHO_MANUAL, 100, 1, none, n, false));
        List<Case> qos2 = List.of(
                new Case("mqtt-bridge, defaults (ordering=pipelined)", Variant.OURS, 1, 2, none, n, true));

        Map<Case, Medians> one = measureGroup(config, result, "QoS 1 → Kafka, 1 topic", oneTopic);
        Map<Case, Medians> hundred = measureGroup(config, result, "QoS 1 → Kafka, 100 topics", hundredTopics);
        Map<Case, Medians> two = measureGroup(config, result, "QoS 2 → Kafka, 1 topic", qos2);
        Double engineQos1 = aloneSelected("QoS 1 → Kafka, 1 topic") ? engineAlone(config, result, "QoS 1 → Kafka, 1 topic", 1, n)
                : null;
        Double engineQos2 = aloneSelected("QoS 2 → Kafka, 1 topic") ? engineAlone(config, result, "QoS 2 → Kafka, 1 topic", 2, n)
                : null;

        Medians ours1 = one.getOrDefault(oneTopic.get(0), NONE);
        Medians paho1 = one.getOrDefault(oneTopic.get(3), NONE);
        Medians ours100 = hundred.getOrDefault(hundredTopics.get(0), NONE);
        Medians paho100 = hundred.getOrDefault(hundredTopics.get(1), NONE);
        Medians ours2 = two.getOrDefault(qos2.get(0), NONE);
        if (ours1.rate() != null && paho1.rate() != null) {
            double r = ours1.rate() / paho1.rate();
            result.observe(String.format(Locale.ROOT, "1 topic, QoS 1: mqtt-bridge defaults / paho-mqtt5 manual acks = "
                    + "%.2f× (target: at least 3×) — %s.", r, r >= 3 ? "met" : "missed"));
        }
        if (paho1.rate() != null && engineQos1 != null && 3 * paho1.rate() > engineQos1) {
            result.observe(String.format(Locale.ROOT, "1 topic, QoS 1: 3× paho-mqtt5 would be %,.0f msg/s, more than the "
                    + "broker delivers on this topic to our engine doing nothing else in this run (%,.0f msg/s): no "
                    + "consumer can reach it here; the most any consumer could show is %.2f× paho-mqtt5. mqtt-bridge "
                    + "reached %.0f %% of that broker-alone figure.", 3 * paho1.rate(), engineQos1,
                    engineQos1 / paho1.rate(), ours1.rate() == null ? 0 : 100 * ours1.rate() / engineQos1));
        }
        if (ours1.rate() != null && ours100.rate() != null) {
            double r = ours1.rate() / ours100.rate();
            result.observe(String.format(Locale.ROOT, "QoS 1, mqtt-bridge defaults: 1 topic / 100 topics = %.0f %% "
                    + "(target: at least 90 %%) — %s.", 100 * r, r >= 0.9 ? "met" : "missed"));
        }
        cpuRatio(result, "1 topic", ours1, paho1);
        cpuRatio(result, "100 topics", ours100, paho100);
        if (ours2.rate() != null && engineQos2 != null) {
            double r = ours2.rate() / engineQos2;
            result.observe(String.format(Locale.ROOT, "1 topic, QoS 2: mqtt-bridge defaults / broker alone = %.0f %% "
                    + "(target: at least 80 %%) — %s.", 100 * r, r >= 0.8 ? "met" : "missed"));
        }
        return result;
    }

    private static void cpuRatio(Result result, String what, Medians ours, Medians paho) {
        if (ours.cpuMicros() != null && paho.cpuMicros() != null) {
            double r = ours.cpuMicros() / paho.cpuMicros();
            result.observe(String.format(Locale.ROOT, "%s, QoS 1: bridge JVM CPU per message, mqtt-bridge / paho-mqtt5 = "
                    + "%.1f / %.1f µs = %.2f× (target: at most 0.5×) — %s.", what, ours.cpuMicros(), paho.cpuMicros(), r,
                    r <= 0.5 ? "met" : "missed"));
        }
    }

    /** Warm-up and R rotated rounds of every case of a group; adds throughput and CPU figures. */
    private Map<Case, Medians> measureGroup(Config config, Result result, String group, List<Case> cases) {
        cases = cases.stream().filter(c -> CASES == null
                || java.util.regex.Pattern.compile(CASES).matcher(group + ": " + c.label()).find()).toList();
        config.progress().say("-- hot topic, " + group);
        Map<Case, ChildBridge> children = new LinkedHashMap<>();
        Map<Case, String> prefixes = new LinkedHashMap<>();
        Map<Case, List<ChildBridge.Status>> runs = new LinkedHashMap<>();
        Map<Case, String> notes = new LinkedHashMap<>();
        try {
            for (Case c : cases) {
                try {
                    int id = IDS.incrementAndGet();
                    String prefix = "bench/hot/" + id;
                    ChildBridge child = startChild(config, c, prefix, id);
                    children.put(c, child);
                    prefixes.put(c, prefix);
                    String error = drain(config, child, c, prefix, Math.max(config.warmupMessages(), c.messages()),
                            group + ", " + c.label() + " warm-up", new ArrayList<>());
                    if (error != null) {
                        result.problem(group + ", " + c.label() + ", warm-up: " + error + " — not measured");
                        notes.put(c, "warm-up incomplete, not measured");
                        children.remove(c).close();
                    }
                } catch (Exception e) {
                    result.problem(group + ", " + c.label() + ": could not start the bridge JVM: " + e);
                    notes.put(c, "bridge JVM did not start");
                }
            }
            List<Case> live = new ArrayList<>(children.keySet());
            for (int r = 0; r < repeats(config); r++) {
                for (int i = 0; i < live.size(); i++) {
                    Case c = live.get((i + r) % live.size());
                    List<ChildBridge.Status> got = runs.computeIfAbsent(c, k -> new ArrayList<>());
                    String error = drain(config, children.get(c), c, prefixes.get(c), c.messages(),
                            group + ", " + c.label() + " run " + (r + 1) + "/" + repeats(config), got);
                    if (error != null) {
                        result.problem(group + ", " + c.label() + ", run " + (r + 1) + ": " + error);
                    }
                }
            }
        } finally {
            children.values().forEach(ChildBridge::close);
        }
        Map<Case, Medians> medians = new LinkedHashMap<>();
        for (Case c : cases) {
            List<ChildBridge.Status> got = runs.getOrDefault(c, List.of()).stream().filter(ChildBridge.Status::done).toList();
            List<Double> rates = got.stream().map(s -> c.messages() / (s.nanosToDone() / 1e9)).toList();
            List<Double> cpu = got.stream().map(s -> s.cpuNanos() / 1e3 / c.messages()).toList();
            long dups = got.stream().mapToLong(ChildBridge.Status::duplicates).sum();
            long inversions = got.stream().mapToLong(ChildBridge.Status::inversions).sum();
            String note = notes.getOrDefault(c, "");
            if (c.messages() != messages(config)) {
                note = join(note, String.format(Locale.ROOT, "N = %,d", c.messages()));
            }
            note = join(note, "order " + inversions + (dups > 0 ? ", dup " + dups : ""));
            Stats rateStats = rates.isEmpty() ? null : Stats.of(rates);
            Stats cpuStats = cpu.isEmpty() ? null : Stats.of(cpu);
            result.add(new Figure(group + ": throughput", c.label(), "msg/s", rateStats, true, c.baseline(), note));
            result.add(new Figure(group + ": bridge JVM CPU per message", c.label(), "µs/msg", cpuStats, false,
                    c.baseline(), note));
            medians.put(c, new Medians(rateStats == null ? null : rateStats.median(),
                    cpuStats == null ? null : cpuStats.median()));
            if (inversions > 0 && !"none".equals(c.options().get("ordering")) && c.variant() == Variant.OURS) {
                result.problem(group + ", " + c.label() + ": " + inversions + " message(s) acknowledged by Kafka after a"
                        + " later one of the same topic");
            }
        }
        return medians;
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : a + "; " + b;
    }

    private static ChildBridge startChild(Config config, Case c, String prefix, int id) throws Exception {
        var kafka = BenchKafka.get();
        String kafkaTopic = "bench-hot-" + id;
        kafka.createTopics(kafkaTopic);
        Map<String, String> args = new LinkedHashMap<>();
        args.put("variant", c.variant().shortName());
        args.put("broker", config.brokerUri());
        args.put("filter", prefix + "/+/+");
        args.put("qos", String.valueOf(c.qos()));
        args.put("kafka", kafka.bootstrapServers());
        args.put("kafkaTopic", kafkaTopic);
        args.put("clientId", "bench-hot-" + c.variant().shortName() + "-" + id);
        args.put("window", String.valueOf(config.window()));
        c.options().forEach((k, v) -> args.put("option." + k, v));
        ChildBridge child = ChildBridge.start(args);
        child.command("START");
        Thread.sleep(300); // the subscription settles
        return child;
    }

    /** Publishes n messages while the route runs and waits until Kafka acknowledged all; checks Kafka's order. */
    static String drain(Config config, ChildBridge child, Case c, String prefix, int n, String label,
            List<ChildBridge.Status> out) {
        Progress.Tracker tracker = config.progress().track(label + " (in Kafka)", n);
        try {
            long offset = KafkaOrder.endOffset(child.kafkaTopic());
            boolean measured = !label.endsWith("warm-up");
            if (measured) {
                child.profileStart();
            }
            child.command("RESET " + n + " " + c.topics());
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-hot-src-" + IDS.incrementAndGet(),
                    config.window())) {
                child.command("MARK");
                String error = publisher.publish(prefix, c.topics(), c.qos(), n, config.payloadSize(), 0,
                        BridgeRun.stall(config), published -> {
                            if (published % 1000 == 0) {
                                tracker.set(published);
                            }
                        });
                if (error != null) {
                    tracker.finish("FAILED (publisher)");
                    return error;
                }
            }
            ChildBridge.Status s = child.awaitDone(BridgeRun.stall(config), tracker::set);
            if (measured) {
                child.profileStop(label);
            }
            if (!s.done()) {
                out.add(s);
                tracker.finish("INCOMPLETE");
                return "only " + s.distinct() + " of " + n + " reached Kafka (nothing more for "
                        + BridgeRun.stall(config).toSeconds() + " s); bridge log " + child.log();
            }
            KafkaOrder order = KafkaOrder.read(child.kafkaTopic(), offset);
            out.add(new ChildBridge.Status(s.distinct(), s.duplicates(), s.cpuNanos(), s.nanosToLast(), s.nanosToDone(),
                    order.inversions()));
            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s, %.1f µs CPU/msg, Kafka order %d%s",
                    n / (s.nanosToDone() / 1e9), s.cpuNanos() / 1e3 / n, order.inversions(),
                    s.duplicates() > 0 ? ", dup " + s.duplicates() : ""));
            return null;
        } catch (Exception e) {
            tracker.finish("FAILED: " + e);
            return "exception " + e;
        }
    }

    /**
     * Messages per run: the bridge N, but at most 50,000 in quick mode (with a warm-up of the same size per bridge JVM
     * and seven bridges, 100,000 took 11 minutes here).
     */
    static int messages(Config config) {
        return config.quick() ? Math.min(config.bridgeMessages(), 50_000) : config.bridgeMessages();
    }

    /** Runs per figure: R, but at most 3 in quick mode. */
    static int repeats(Config config) {
        return config.quick() ? Math.min(config.repeats(), 3) : config.repeats();
    }

    private static boolean aloneSelected(String group) {
        return CASES == null || java.util.regex.Pattern.compile(CASES).matcher(group + ": broker alone").find();
    }

    /** Our engine alone on the same topic: R runs after a warm-up; adds the figure, returns the median. */
    private Double engineAlone(Config config, Result result, String group, int qos, int n) {
        List<Double> rates = new ArrayList<>();
        for (int r = -1; r < repeats(config); r++) {
            String label = group + ", broker alone " + (r < 0 ? "warm-up" : "run " + (r + 1) + "/" + repeats(config));
            int count = r < 0 ? config.warmupMessages() : n;
            double[] rate = new double[1];
            String error = EngineAlone.run(config, qos, count, 1, false, label, rate);
            if (error != null) {
                result.problem(group + ", broker alone, " + label + ": " + error);
            } else if (r >= 0) {
                rates.add(rate[0]);
            }
        }
        Stats stats = rates.isEmpty() ? null : Stats.of(rates);
        result.add(new Figure(group + ": throughput", "broker alone: our engine subscribing, nothing else",
                "msg/s", stats, true, false, "no Kafka, no Camel"));
        return stats == null ? null : stats.median();
    }
}
