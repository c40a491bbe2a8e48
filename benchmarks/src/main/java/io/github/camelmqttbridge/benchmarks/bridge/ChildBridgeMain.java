package io.github.camelmqttbridge.benchmarks.bridge;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A bridge in a JVM of its own, driven over stdin/stdout by {@link ChildBridge}, so that its CPU time (user +
 * system of this process) can be measured per message without the broker, Kafka or the publisher in it.
 *
 * <p>Arguments: {@code key=value} pairs: variant (a {@link Variant} short name), broker, filter, qos, kafka,
 * kafkaTopic, clientId, window, persistent (true: cleanStart=false, session expiry 1 h), logSink (true: log instead
 * of Kafka), and any number of {@code option.<name>=<value>} consumer options. The route does not start by itself.
 *
 * <p>Commands (one per line; each reply is one line starting with {@code @@}): {@code RESET n [topics]} (count
 * the next n messages; message i is on topic i modulo topics, for the order check), {@code MARK} (remember CPU time and clock now), {@code START} (MARK, then start the route),
 * {@code STOP}, {@code STATUS} ({@code @@ STATUS distinct duplicates cpuNanosSinceMark nanosFromMarkToLast
 * nanosFromMarkToDone inversions}; nanosFromMarkToDone is -1 until all n arrived, and CPU is taken at that moment;
 * inversions counts messages that arrived after a higher sequence number of their topic), {@code LATENCY}
 * ({@code @@ LATENCY p50 p99 max} in ms, publish time from the payload, same machine clock), {@code QUIT}.
 */
public final class ChildBridgeMain {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** The route's last step: counts into the current {@link Recorder}, notes CPU and time when all arrived. */
    static final class Counting implements Processor {
        volatile Recorder recorder = new Recorder(1);
        volatile long expected = 1;
        volatile long markNanos = System.nanoTime();
        volatile long markCpu = OS.getProcessCpuTime();
        volatile long doneNanos = -1;
        volatile long doneCpu = -1;
        /** Per topic (sequence number modulo topics): the highest sequence number seen, for the order check. */
        private long[] highest = new long[1];
        private long inversions;

        @Override
        public void process(Exchange exchange) {
            Recorder r = recorder;
            r.process(exchange);
            long seq = java.nio.ByteBuffer.wrap(exchange.getIn().getBody(byte[].class)).getLong(0);
            synchronized (this) {
                int k = (int) (seq % highest.length);
                if (seq < highest[k]) {
                    inversions++;
                }
                highest[k] = Math.max(highest[k], seq);
            }
            if (doneNanos < 0 && r.distinct() >= expected) {
                synchronized (this) {
                    if (doneNanos < 0) {
                        doneCpu = OS.getProcessCpuTime();
                        doneNanos = System.nanoTime();
                    }
                }
            }
        }

        synchronized void reset(int n, int topics) {
            highest = new long[Math.max(1, topics)];
            java.util.Arrays.fill(highest, -1);
            inversions = 0;
            recorder = new Recorder(n);
            expected = n;
            doneNanos = -1;
            doneCpu = -1;
        }

        synchronized void mark() {
            markCpu = OS.getProcessCpuTime();
            markNanos = System.nanoTime();
        }
    }

    private ChildBridgeMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String k = arg.substring(0, eq);
            if (k.startsWith("option.")) {
                options.put(k.substring("option.".length()), arg.substring(eq + 1));
            } else {
                a.put(k, arg.substring(eq + 1));
            }
        }
        Variant variant = java.util.Arrays.stream(Variant.values()).filter(v -> v.shortName().equals(a.get("variant")))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("variant " + a.get("variant")));
        BridgeInstance.Spec spec = new BridgeInstance.Spec(variant, a.get("broker"), a.get("filter"),
                Integer.parseInt(a.get("qos")), a.getOrDefault("kafka", ""), a.getOrDefault("kafkaTopic", "unused"),
                a.get("clientId"), Integer.parseInt(a.getOrDefault("window", "1000")), null, 0, options,
                Boolean.parseBoolean(a.getOrDefault("persistent", "false")), false,
                Boolean.parseBoolean(a.getOrDefault("logSink", "false")));
        Counting counting = new Counting();
        try (BridgeInstance bridge = BridgeInstance.start(spec, counting)) {
            reply("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                switch (c[0]) {
                    case "RESET" -> {
                        counting.reset(Integer.parseInt(c[1]), c.length > 2 ? Integer.parseInt(c[2]) : 1);
                        reply("OK");
                    }
                    case "MARK" -> {
                        counting.mark();
                        reply("OK");
                    }
                    case "START" -> {
                        counting.mark();
                        bridge.startRoute();
                        reply("OK");
                    }
                    case "STOP" -> {
                        bridge.stopRoute();
                        reply("OK");
                    }
                    case "STATUS" -> {
                        Recorder r = counting.recorder;
                        long done = counting.doneNanos;
                        long cpu = (done >= 0 ? counting.doneCpu : OS.getProcessCpuTime()) - counting.markCpu;
                        long inversions;
                        synchronized (counting) {
                            inversions = counting.inversions;
                        }
                        reply(String.format(Locale.ROOT, "STATUS %d %d %d %d %d %d", r.distinct(), r.duplicates(), cpu,
                                r.lastAckNanos() == 0 ? -1 : r.lastAckNanos() - counting.markNanos,
                                done < 0 ? -1 : done - counting.markNanos, inversions));
                    }
                    case "LATENCY" -> {
                        double[] lat = counting.recorder.sortedLatenciesMillis();
                        reply(String.format(Locale.ROOT, "LATENCY %.3f %.3f %.3f", Recorder.percentile(lat, 50),
                                Recorder.percentile(lat, 99), Recorder.percentile(lat, 100)));
                    }
                    case "QUIT" -> {
                        reply("OK");
                        return;
                    }
                    default -> reply("ERROR unknown command " + line);
                }
            }
        }
    }

    private static void reply(String text) {
        System.out.println("@@ " + text);
        System.out.flush();
    }
}
