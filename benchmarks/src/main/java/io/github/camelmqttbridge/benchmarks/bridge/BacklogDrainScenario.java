package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the bridge sees after every outage: a persistent session that was away while a backlog queued, then comes
 * back. mqtt-bridge (a route into a log sink) against {@code mosquitto_sub} draining the same backlog of the same
 * broker in the same round.
 */
public final class BacklogDrainScenario implements Scenario {

    private static final AtomicInteger IDS = new AtomicInteger();

    @Override
    public String name() {
        return "backlog-drain";
    }

    @Override
    public String title() {
        return "Backlog drain after an outage: mqtt-bridge (log sink) vs mosquitto_sub";
    }

    @Override
    public Result run(Config config) {
        int n = config.bridgeMessages();
        Result result = Result.of(String.format(Locale.ROOT, """
                Two persistent sessions (MQTT 5, `cleanStart=false`, session expiry 1 h, QoS 1) subscribe to the same \
                topic and go away; our engine publishes N = %,d messages of %d bytes on that one topic (QoS 1, window \
                %d), so the broker queues the same backlog for both; then each comes back and drains it, one after the \
                other (order alternating per round). **mqtt-bridge**: a route in a JVM of its own (`ChildBridgeMain`), \
                `mqtt-bridge:` with default options (`receiveMaximum=maxInflight=%d`) → `log:` with `groupSize=10000` \
                (a throughput line per 10,000 messages) → a counting step; rate = N / (route start → last message \
                counted), CPU per message = user + system CPU of its JVM over that interval / N, after one unmeasured \
                warm-up drain of the same size. **mosquitto_sub** (`-c -x 3600 -q 1 -C N`, output discarded): rate = N / (process start \
                → exit). The broker's `max_inflight_messages %d` bounds both. R = %d rounds.""", n,
                config.payloadSize(), config.window(), config.window(), config.window(), HotTopicScenario.repeats(config)));
        int id = IDS.incrementAndGet();
        String prefix = "bench/drain/" + id;
        String topic = prefix + "/d0/m";
        String subId = "bench-drain-sub-" + id;
        URI broker = URI.create(config.brokerUri());
        List<Double> oursRate = new ArrayList<>();
        List<Double> oursCpu = new ArrayList<>();
        List<Double> subRate = new ArrayList<>();
        ChildBridge child = null;
        try {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("variant", Variant.OURS.shortName());
            args.put("broker", config.brokerUri());
            args.put("filter", prefix + "/+/+");
            args.put("qos", "1");
            args.put("clientId", "bench-drain-bridge-" + id);
            args.put("window", String.valueOf(config.window()));
            args.put("persistent", "true");
            args.put("logSink", "true");
            child = ChildBridge.start(args);
            child.command("RESET 0");
            child.command("START");
            child.command("STOP");
            String error = mosquittoSub(broker, subId, topic, 0, true);
            if (error != null) {
                result.problem("mosquitto_sub could not subscribe: " + error);
                return result;
            }
            for (int r = -1; r < HotTopicScenario.repeats(config); r++) {
                String round = r < 0 ? "warm-up" : "round " + (r + 1) + "/" + HotTopicScenario.repeats(config);
                int count = r < 0 ? Math.max(config.warmupMessages(), n) : n;
                try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-drain-src-" + id + "-" + r,
                        config.window())) {
                    error = publisher.publish(prefix, 1, 1, count, config.payloadSize(), 0, BridgeRun.stall(config), null);
                }
                if (error != null) {
                    result.problem(round + ": publisher: " + error);
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    boolean oursTurn = (k + Math.max(r, 0)) % 2 == 0;
                    if (oursTurn) {
                        Progress.Tracker tracker = config.progress().track("backlog drain, mqtt-bridge " + round, count);
                        child.command("RESET " + count + " 1");
                        child.command("START");
                        ChildBridge.Status s = child.awaitDone(BridgeRun.stall(config), tracker::set);
                        child.command("STOP");
                        if (!s.done()) {
                            tracker.finish("INCOMPLETE");
                            result.problem("mqtt-bridge, " + round + ": only " + s.distinct() + " of " + count);
                        } else {
                            double rate = count / (s.nanosToDone() / 1e9);
                            double cpu = s.cpuNanos() / 1e3 / count;
                            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s, %.1f µs CPU/msg", rate, cpu));
                            if (r >= 0) {
                                oursRate.add(rate);
                                oursCpu.add(cpu);
                            }
                        }
                    } else {
                        Progress.Tracker tracker = config.progress().track("backlog drain, mosquitto_sub " + round, count);
                        long start = System.nanoTime();
                        error = mosquittoSub(broker, subId, topic, count, false);
                        double seconds = (System.nanoTime() - start) / 1e9;
                        if (error != null) {
                            tracker.finish("FAILED");
                            result.problem("mosquitto_sub, " + round + ": " + error);
                        } else {
                            tracker.set(count);
                            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s", count / seconds));
                            if (r >= 0) {
                                subRate.add(count / seconds);
                            }
                        }
                    }
                }
            }
        } catch (Exception e) {
            result.problem("exception " + e);
        } finally {
            if (child != null) {
                child.close();
            }
        }
        String group = "QoS 1 backlog of " + String.format(Locale.ROOT, "%,d", n) + " on 1 topic, drained after a reconnect";
        result.add(new Figure(group + ": throughput", "mqtt-bridge → log sink (default options)", "msg/s",
                oursRate.isEmpty() ? null : Stats.of(oursRate), true, true, ""));
        result.add(new Figure(group + ": throughput", "mosquitto_sub -c -q 1 (output discarded)", "msg/s",
                subRate.isEmpty() ? null : Stats.of(subRate), true, false, "C client, no processing"));
        result.add(new Figure(group + ": bridge JVM CPU per message", "mqtt-bridge → log sink (default options)", "µs/msg",
                oursCpu.isEmpty() ? null : Stats.of(oursCpu), false, true, ""));
        if (!oursRate.isEmpty() && !subRate.isEmpty()) {
            double ratio = Stats.of(oursRate).median() / Stats.of(subRate).median();
            result.observe(String.format(Locale.ROOT, "mqtt-bridge / mosquitto_sub draining the same backlog = %.0f %% "
                    + "(target: at least 90 %%) — %s.", 100 * ratio, ratio >= 0.9 ? "met" : "missed"));
        }
        return result;
    }

    /**
     * Runs mosquitto_sub with a persistent session: {@code subscribeOnly} subscribes and exits (-E), otherwise it
     * exits after {@code count} messages. Returns null or what went wrong.
     */
    private static String mosquittoSub(URI broker, String clientId, String topic, int count, boolean subscribeOnly)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_sub", "-h", broker.getHost(), "-p",
                String.valueOf(broker.getPort()), "-V", "mqttv5", "-i", clientId, "-c", "-x", "3600", "-q", "1", "-t",
                topic));
        if (subscribeOnly) {
            cmd.add("-E");
        } else {
            cmd.addAll(List.of("-C", String.valueOf(count), "-W", "120"));
        }
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "mosquitto_sub did not finish within 180 s";
        }
        return p.exitValue() == 0 ? null : "mosquitto_sub exited with " + p.exitValue();
    }
}
