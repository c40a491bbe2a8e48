package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap and RSS of a bridge JVM ({@link BridgeMain}, mqtt-bridge variant, QoS 1) at a fixed offered rate, once with a
 * sink as fast as Kafka and once with a sink ten times slower than the source.
 */
public final class MemoryScenario implements Scenario {

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final String XMX = "-Xmx512m";

    /** One sample of the bridge JVM. */
    private record Sample(double seconds, long heapUsed, long liveHeap, long bridged, long rssKb) {
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String title() {
        return "Memory: bridge heap and RSS at a fixed rate and with a slow sink";
    }

    @Override
    public Result run(Config config) throws Exception {
        double rate = 2000;
        int seconds = config.quick() ? 15 : 40;
        Result result = Result.of(String.format(Locale.ROOT, """
                The bridge (mqtt-bridge → Kafka acks=all, the route of the bridge scenario, QoS 1, `receiveMaximum=%d`) \
                runs in a JVM of its own (`java %s -cp benchmarks.jar …BridgeMain`, default GC). Our engine publishes \
                at a fixed offered rate of %,.0f msg/s for %d s (%,d messages of %d bytes over %d topics). Two runs: \
                **sink fast** (Kafka as fast as it goes) and **sink 10× slower** (a route step before Kafka lets only \
                %,.0f msg/s through; the rest must wait in the broker, not in our heap). The bridge JVM reports every \
                0.5 s its heap in use and every 2 s its live heap (heap in use right after a `System.gc()`); RSS is \
                read from `/proc/<pid>/status` (VmRSS) at the same moments. One run per case (n = 1). Growth = last \
                live-heap sample minus the first one of the second half of the run.""", config.window(), XMX, rate,
                seconds, (int) (rate * seconds), config.payloadSize(), BridgeRun.TOPICS, rate / 10));
        List<Sample> fast = oneRun(config, result, rate, seconds, 0, "sink fast");
        List<Sample> slow = oneRun(config, result, rate, seconds, rate / 10, "sink 10× slower");
        report(result, "offered " + String.format(Locale.ROOT, "%,.0f", rate) + " msg/s, sink fast", fast, seconds);
        report(result, "offered " + String.format(Locale.ROOT, "%,.0f", rate) + " msg/s, sink 10× slower", slow, seconds);
        if (slow != null && !slow.isEmpty()) {
            double growth = growthMb(slow);
            result.observe(String.format(Locale.ROOT, "Slow sink: live heap grew %.1f MB over the second half of the run "
                    + "(target: flat, i.e. bounded by the receive window — %s; criterion used here: under 8 MB).",
                    growth, growth < 8 ? "met" : "missed"));
        }
        return result;
    }

    private static void report(Result result, String group, List<Sample> samples, int seconds) {
        if (samples == null || samples.isEmpty()) {
            return;
        }
        long peakUsed = samples.stream().mapToLong(Sample::heapUsed).max().orElse(0);
        long peakLive = samples.stream().mapToLong(Sample::liveHeap).max().orElse(0);
        long peakRss = samples.stream().mapToLong(Sample::rssKb).max().orElse(0);
        Sample last = samples.get(samples.size() - 1);
        result.add(new Figure(group, "peak heap in use", "MB", Stats.of(peakUsed / 1048576.0), false, false, ""));
        result.add(new Figure(group, "peak live heap (after GC)", "MB", Stats.of(peakLive / 1048576.0), false, false, ""));
        result.add(new Figure(group, "live heap growth, second half", "MB", Stats.of(growthMb(samples)), false, false, ""));
        result.add(new Figure(group, "peak RSS", "MB", Stats.of(peakRss / 1024.0), false, false, ""));
        result.add(new Figure(group, "bridged to Kafka", "msg/s", Stats.of(last.bridged() / last.seconds()), true, false,
                String.format(Locale.ROOT, "%,d messages in %.0f s", last.bridged(), last.seconds())));
    }

    private static double growthMb(List<Sample> samples) {
        double end = samples.get(samples.size() - 1).seconds();
        List<Sample> live = samples.stream().filter(s -> s.liveHeap() > 0 && s.seconds() >= end / 2).toList();
        if (live.size() < 2) {
            return 0;
        }
        return (live.get(live.size() - 1).liveHeap() - live.get(0).liveHeap()) / 1048576.0;
    }

    private static List<Sample> oneRun(Config config, Result result, double rate, int seconds, double sinkRate,
            String label) {
        int id = IDS.incrementAndGet();
        String prefix = "bench/mem/" + id;
        String kafkaTopic = "bench-mem-" + id;
        int n = (int) (rate * seconds);
        List<Sample> samples = new CopyOnWriteArrayList<>();
        Process child = null;
        Progress.Tracker tracker = null;
        try {
            var kafka = BenchKafka.get();
            kafka.createTopics(kafkaTopic);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, XMX, "-cp", System.getProperty("java.class.path"),
                    BridgeMain.class.getName(), config.brokerUri(), prefix + "/+/+", "1", kafka.bootstrapServers(),
                    kafkaTopic, "bench-mem-bridge-" + id, String.valueOf(config.window()), String.valueOf(sinkRate),
                    String.valueOf(n)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Process p = child;
            CountDownLatch ready = new CountDownLatch(1);
            long[] t0 = {0};
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.equals("READY")) {
                            ready.countDown();
                        } else if (line.startsWith("STAT ") && t0[0] != 0) {
                            String[] f = line.split(" ");
                            samples.add(new Sample((System.nanoTime() - t0[0]) / 1e9, Long.parseLong(f[1]),
                                    Long.parseLong(f[2]), Long.parseLong(f[3]), rssKb(p.pid())));
                        }
                    }
                } catch (Exception ignored) {
                    // child gone
                }
            }, "bench-mem-reader");
            reader.setDaemon(true);
            reader.start();
            if (!ready.await(90, TimeUnit.SECONDS)) {
                result.problem(label + ": the bridge JVM did not start within 90 s");
                return null;
            }
            Thread.sleep(300);
            tracker = config.progress().track("memory, " + label + " (published)", n);
            Progress.Tracker t = tracker;
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-mem-src-" + id, config.window())) {
                t0[0] = System.nanoTime();
                String error = publisher.publish(prefix, BridgeRun.TOPICS, 1, n, config.payloadSize(), rate,
                        config.stallTimeout(), t::set);
                if (error != null) {
                    result.problem(label + ": " + error);
                }
            }
            if (sinkRate == 0) {
                long deadline = System.nanoTime() + config.stallTimeout().toNanos();
                while (System.nanoTime() < deadline && (samples.isEmpty() || samples.get(samples.size() - 1).bridged() < n)) {
                    Thread.sleep(100);
                }
            } else {
                Thread.sleep(2500); // a few more samples with the backlog waiting in the broker
            }
            Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
            tracker.finish(last == null ? "no samples" : String.format(Locale.ROOT,
                    "bridged %,d, heap in use %.0f MB, RSS %.0f MB", last.bridged(), last.heapUsed() / 1048576.0,
                    last.rssKb() / 1024.0));
            return new ArrayList<>(samples);
        } catch (Exception e) {
            if (tracker != null) {
                tracker.finish("FAILED");
            }
            result.problem(label + ": exception " + e);
            return null;
        } finally {
            if (child != null) {
                child.destroy();
                try {
                    if (!child.waitFor(10, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    child.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception ignored) {
            // not Linux, or gone
        }
        return 0;
    }
}
