package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MQTT QoS 1 and 2 -> Kafka ({@code acks=all}) through one YAML route, three consumers in the same run:
 * {@code mqtt-bridge:} (ack after the Kafka ack), {@code paho-mqtt5:} with {@code manualAcksEnabled=true}
 * (ack after the exchange: the same guarantee) and {@code paho-mqtt5:} with its default auto-ack.
 */
public final class BridgeEndToEndScenario implements Scenario {

    /**
     * For profiling one consumer: {@code -Dbench.bridge.variants=REGEX} (over the short names mqtt-bridge,
     * mqtt-bridge-parallel, paho-manual, paho-auto). Unset, as for published figures: all.
     */
    private static final Variant[] VARIANTS = java.util.Arrays.stream(Variant.values())
            .filter(v -> System.getProperty("bench.bridge.variants") == null
                    || v.shortName().matches(System.getProperty("bench.bridge.variants")))
            .toArray(Variant[]::new);

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
        Result result = Result.of(method(config));
        for (int qos : new int[] {1, 2}) {
            measure(config, result, qos);
        }
        return result;
    }

    private static String method(Config c) {
        return String.format(Locale.ROOT, """
                One YAML route in the style of `routes/mqtt-to-kafka.yaml`, loaded into a CamelContext in this JVM: \
                MQTT consumer on `bench/e2e/<run>/+/+` (MQTT 5, clean start) → `setHeader kafka.KEY` from the MQTT \
                topic → `kafka:` with `requestRequiredAcks=all`, `enableIdempotence=true`, `maxInFlightRequest=5`, \
                `lingerMs=5`, `synchronous=false` (the exchange completes in Kafka's send callback) → a recording step. The jq/JSON \
                enrichment of the real route is left out: it would cost the same in every variant. Kafka: one KRaft \
                node in this JVM (Kafka's `KafkaClusterTestKit` like the project's `EmbeddedKafka`, but with Kafka's \
                default flush policy instead of an fsync per message), one partition per run. Consumers, same route: \
                **mqtt-bridge** (`receiveMaximum=maxInflight=%d`, acknowledges after the exchange, i.e. after Kafka's \
                ack; default ordering, i.e. pipelined per MQTT topic), and the same with \
                `parallelProcessing=true` (QoS 1 only); **paho-mqtt5 with `manualAcksEnabled=true`** (Camel \
                calls `messageArrivedComplete` when the exchange completes: the same guarantee); **paho-mqtt5 default** \
                (Paho acknowledges on receipt, before the route ran: a message in flight is lost if the bridge dies). \
                Source: our engine, MQTT 5, window W = %d, N = %,d messages of %d bytes spread round-robin over %d \
                topics (devices `bench/e2e/<run>/d<k>/m`), each payload carrying its sequence number and \
                `System.nanoTime()` at publish. Throughput = N / (first publish → last Kafka ack seen by the route). \
                Latency = Kafka ack (the route step after `kafka:`) − publish time, per message, with the source \
                publishing as fast as its window allows: it includes queueing at saturation. Each figure: R = %d runs \
                after one unmeasured warm-up of max(N/10, 20,000) messages per variant, variant order rotated per round; a new route, \
                clients and Kafka topic per run.""", c.window(), c.window(), c.bridgeMessages(), c.payloadSize(),
                BridgeRun.TOPICS, c.repeats());
    }

    private void measure(Config config, Result result, int qos) {
        String group = "MQTT QoS " + qos + " → Kafka acks=all";
        config.progress().say("-- bridge, " + group);
        Map<Variant, List<BridgeRun.Outcome>> outcomes = new EnumMap<>(Variant.class);
        int warmup = config.warmupMessages();
        // The parallelProcessing variant is informative (what ordering per topic costs): QoS 1 only, to keep quick
        // mode within its time budget.
        Variant[] variants = java.util.Arrays.stream(VARIANTS).filter(v -> qos == 1 || v != Variant.OURS_PARALLEL)
                .toArray(Variant[]::new);
        java.util.Set<Variant> skipped = java.util.EnumSet.noneOf(Variant.class);
        for (Variant v : variants) {
            BridgeRun.Outcome o = BridgeRun.run(config, v, qos, warmup, 1, null, group + " " + v.shortName() + " warm-up");
            if (!o.finished()) {
                result.problem(group + ", " + v.label() + ", warm-up: " + o.error()
                        + " — its measured runs are skipped (each would wait for the stall timeout)");
                skipped.add(v);
            }
        }
        for (int r = 0; r < config.repeats(); r++) {
            for (int i = 0; i < variants.length; i++) {
                Variant v = variants[(i + r) % variants.length];
                if (skipped.contains(v)) {
                    continue;
                }
                BridgeRun.Outcome o = BridgeRun.run(config, v, qos, config.bridgeMessages(), 1, null,
                        group + " " + v.shortName() + " run " + (r + 1) + "/" + config.repeats());
                outcomes.computeIfAbsent(v, k -> new ArrayList<>()).add(o);
                if (!o.finished() || o.error() != null) {
                    result.problem(group + ", " + v.label() + ", run " + (r + 1) + ": " + o.error());
                }
                if (o.duplicates() > 0) {
                    result.problem(group + ", " + v.label() + ", run " + (r + 1) + ": " + o.duplicates()
                            + " message(s) reached Kafka twice");
                }
            }
        }
        String[] what = {"throughput", "latency p50", "latency p99", "latency max"};
        for (int w = 0; w < what.length; w++) {
            for (Variant v : variants) {
                List<BridgeRun.Outcome> runs = outcomes.getOrDefault(v, List.of());
                List<Double> values = new ArrayList<>();
                for (BridgeRun.Outcome o : runs) {
                    if (!o.finished()) {
                        continue;
                    }
                    values.add(switch (w) {
                        case 0 -> o.rate();
                        case 1 -> Recorder.percentile(o.latenciesMs(), 50);
                        case 2 -> Recorder.percentile(o.latenciesMs(), 99);
                        default -> Recorder.percentile(o.latenciesMs(), 100);
                    });
                }
                long failed = runs.stream().filter(o -> !o.finished()).count();
                long dups = runs.stream().mapToLong(BridgeRun.Outcome::duplicates).sum();
                String notes = (skipped.contains(v) ? "warm-up incomplete, not measured" : "")
                        + (failed > 0 ? failed + " of " + runs.size() + " runs incomplete" : "")
                        + (dups > 0 ? (failed > 0 ? ", " : "") + dups + " dup" : "");
                result.add(new Figure(group + ", " + what[w], v.label(), w == 0 ? "msg/s" : "ms",
                        values.isEmpty() ? null : Stats.of(values), w == 0, v == Variant.OURS, notes));
            }
        }
        Double ours = median(outcomes.get(Variant.OURS));
        Double oursParallel = median(outcomes.get(Variant.OURS_PARALLEL));
        Double manual = median(outcomes.get(Variant.PAHO_MANUAL));
        if (ours != null && manual != null) {
            result.observe(String.format(Locale.ROOT,
                    "QoS %d: mqtt-bridge / paho-mqtt5 with manual acks = %.2f× (target for QoS 1: at least 3×) — %s.",
                    qos, ours / manual, qos == 1 ? (ours / manual >= 3 ? "met" : "missed") : "no target for QoS 2"));
        }
        if (oursParallel != null && manual != null) {
            result.observe(String.format(Locale.ROOT,
                    "QoS %d: mqtt-bridge with parallelProcessing=true / paho-mqtt5 with manual acks = %.2f×.",
                    qos, oursParallel / manual));
        }
        double broker = Limits.broker(qos);
        double kafka = Limits.kafka;
        if (qos == 1 && manual != null && broker > 0 && 3 * manual > broker) {
            // No consumer bridges faster than the broker delivers to a subscriber that does nothing else.
            result.observe(String.format(Locale.ROOT,
                    "QoS 1: 3× paho-mqtt5 with manual acks would be %,.0f msg/s, %.1f× the broker-alone limit of this "
                            + "run (%,.0f msg/s, our engine subscribing with nothing else to do): no consumer can reach "
                            + "it on this machine; the ceiling for any consumer here is %.2f× paho-mqtt5's figure.",
                    3 * manual, 3 * manual / broker, broker, broker / manual));
        }
        if (ours != null && broker > 0 && kafka > 0) {
            double limit = Math.min(broker, kafka);
            result.observe(String.format(Locale.ROOT,
                    "QoS %d: mqtt-bridge median %,.0f msg/s = %.0f %% of min(broker alone %,.0f, Kafka alone %,.0f) = "
                            + "%,.0f msg/s (target for QoS 1: at least 70 %%) — %s.",
                    qos, ours, 100 * ours / limit, broker, kafka, limit,
                    qos == 1 ? (ours / limit >= 0.7 ? "met" : "missed") : "no target for QoS 2"));
            // Broker and Kafka were each measured with the whole machine to themselves; the bridge runs both at once on
            // the same cores, so even a route costing nothing would reach only 1/(1/broker + 1/kafka) if both are CPU-bound.
            double shared = 1 / (1 / broker + 1 / kafka);
            result.observe(String.format(Locale.ROOT,
                    "QoS %d: both halves on the same 2 cores at once: 1/(1/broker + 1/Kafka) = %,.0f msg/s (%.0f %% of "
                            + "the broker alone) is what a route costing no CPU at all could reach; mqtt-bridge reached "
                            + "%.0f %% of that.", qos, shared, 100 * shared / broker, 100 * ours / shared));
        } else if (ours != null) {
            result.observe("QoS " + qos + ": the machine limits were not measured in this run (scenario machine-limits "
                    + "not selected or failed), so no fraction of min(broker, Kafka).");
        }
    }

    private static Double median(List<BridgeRun.Outcome> runs) {
        if (runs == null) {
            return null;
        }
        double[] rates = runs.stream().filter(BridgeRun.Outcome::finished).mapToDouble(BridgeRun.Outcome::rate).toArray();
        return rates.length == 0 ? null : Stats.of(rates).median();
    }
}
