package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measured bridge run: start {@code instances} bridges (each its own CamelContext and MQTT client), publish
 * N messages, wait until Kafka acknowledged all of them (as seen by the route's {@link Recorder}) or nothing moved
 * for the stall timeout, stop the bridges.
 */
public final class BridgeRun {

    private static final AtomicInteger IDS = new AtomicInteger();

    /** Devices the source publishes for: topics {@code <prefix>/d0/m .. d<TOPICS-1>/m}. */
    public static final int TOPICS = 100;

    /** What one run measured. rate is null when the run did not finish. */
    public record Outcome(Double rate, long bridged, long duplicates, double[] latenciesMs, String kafkaTopic,
            String error, long[] perInstance) {
        public boolean finished() {
            return rate != null;
        }
    }

    private BridgeRun() {
    }

    public static Outcome run(Config config, Variant variant, int qos, int n, int instances, String sharedGroup,
            String label) {
        int id = IDS.incrementAndGet();
        String prefix = "bench/e2e/" + id;
        String kafkaTopic = "bench-e2e-" + id;
        List<BridgeInstance> bridges = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        Progress.Tracker tracker = null;
        try {
            var kafka = BenchKafka.get();
            kafka.createTopics(kafkaTopic);
            for (int i = 0; i < instances; i++) {
                Recorder recorder = new Recorder(n);
                recorders.add(recorder);
                bridges.add(BridgeInstance.start(new BridgeInstance.Spec(variant, config.brokerUri(), prefix + "/+/+", qos,
                        kafka.bootstrapServers(), kafkaTopic, "bench-bridge-" + variant.shortName() + "-" + id + "-" + i,
                        config.window(), sharedGroup, 0), recorder));
            }
            Thread.sleep(300); // subscriptions settle
            tracker = config.progress().track(label + " (in Kafka)", n);
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-e2e-src-" + id, config.window())) {
                long start = System.nanoTime();
                Progress.Tracker t = tracker;
                Thread watcher = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        t.set(sum(recorders));
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "bench-progress");
                watcher.setDaemon(true);
                watcher.start();
                String error = publisher.publish(prefix, TOPICS, qos, n, config.payloadSize(), 0, stall(config), null);
                long last = sum(recorders);
                long lastChange = System.nanoTime();
                while (sum(recorders) < n && System.nanoTime() - lastChange < stall(config).toNanos()) {
                    Thread.sleep(5);
                    long now = sum(recorders);
                    if (now != last) {
                        last = now;
                        lastChange = System.nanoTime();
                    }
                }
                watcher.interrupt();
                long bridged = sum(recorders);
                long dups = recorders.stream().mapToLong(Recorder::duplicates).sum();
                long lastAck = recorders.stream().mapToLong(Recorder::lastAckNanos).max().orElse(0);
                long[] per = recorders.stream().mapToLong(Recorder::distinct).toArray();
                double[] lat = merged(recorders);
                if (bridged < n) {
                    tracker.finish("INCOMPLETE");
                    return new Outcome(null, bridged, dups, lat, kafkaTopic, (error != null ? error + "; " : "") + "only "
                            + bridged + " of " + n + " reached Kafka (nothing more for "
                            + stall(config).toSeconds() + " s)", per);
                }
                double rate = n / ((lastAck - start) / 1e9);
                tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s, p50 %.1f ms, p99 %.1f ms%s", rate,
                        Recorder.percentile(lat, 50), Recorder.percentile(lat, 99), dups > 0 ? ", dup " + dups : ""));
                return new Outcome(rate, bridged, dups, lat, kafkaTopic, error, per);
            }
        } catch (Exception e) {
            if (tracker != null) {
                tracker.finish("FAILED: " + e);
            }
            return new Outcome(null, sum(recorders), 0, new double[0], kafkaTopic, "exception " + e
                    + (e.getCause() != null ? " <- " + e.getCause() : ""), new long[0]);
        } finally {
            for (BridgeInstance b : bridges) {
                b.close();
            }
        }
    }

    private static long sum(List<Recorder> recorders) {
        long s = 0;
        for (Recorder r : recorders) {
            s += r.distinct();
        }
        return s;
    }

    private static double[] merged(List<Recorder> recorders) {
        if (recorders.size() == 1) {
            return recorders.get(0).sortedLatenciesMillis();
        }
        List<double[]> parts = recorders.stream().map(Recorder::sortedLatenciesMillis).toList();
        double[] all = new double[parts.stream().mapToInt(p -> p.length).sum()];
        int i = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        java.util.Arrays.sort(all);
        return all;
    }

    /** A bridge run without progress for this long is over: at most 10 s, so one stuck consumer cannot eat the budget. */
    static Duration stall(Config config) {
        return config.stallTimeout().compareTo(Duration.ofSeconds(10)) < 0 ? config.stallTimeout() : Duration.ofSeconds(10);
    }
}
