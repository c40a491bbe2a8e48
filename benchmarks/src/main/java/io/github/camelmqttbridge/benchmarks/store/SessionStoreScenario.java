package io.github.camelmqttbridge.benchmarks.store;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.session.FileSessionStore;
import io.github.camelmqttbridge.mqtt.session.MemorySessionStore;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.github.camelmqttbridge.mqtt.session.SyncPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the session store costs the event loop, and a QoS 1 publisher, per {@code persistenceSync} value. Store
 * alone: the calls an outbound QoS 1 flow makes (save before PUBLISH, remove on PUBACK, window 100, and for
 * {@code always} the sync before each network flush), timed one by one on the calling thread, as the event loop
 * would spend it. End to end: our client publishing QoS 1 to the harness's Mosquitto with each store.
 */
public final class SessionStoreScenario implements Scenario {

    private static final int WINDOW = 100;
    /** fsync per message: few messages give the figure; more would only take minutes. */
    private static final int ALWAYS_PER_MESSAGE_MESSAGES = 2_000;

    /** One way of keeping the session: how to make the store, and how many messages share a network flush. */
    private record Variant(String name, SyncPolicy policy, int messagesPerFlush) {
        SessionStore create(Path dir) {
            return policy == null ? new MemorySessionStore() : new FileSessionStore(dir, policy);
        }
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("memory", null, 1),
            new Variant("file, never", SyncPolicy.NEVER, 1),
            new Variant("file, batch", SyncPolicy.BATCH, 1),
            new Variant("file, always, 100 messages per flush", SyncPolicy.ALWAYS, 100),
            new Variant("file, always, 1 message per flush", SyncPolicy.ALWAYS, 1));

    /** One timed run of the store alone. */
    record StoreRun(double microsPerMessage, double longestCallMillis, long callsOver1ms) {
    }

    @Override
    public String name() {
        return "session-store";
    }

    @Override
    public String title() {
        return "Session store: event-loop time per QoS 1 message, and QoS 1 publish rate, per persistenceSync";
    }

    @Override
    public Result run(Config config) throws Exception {
        int messages = config.messages() * 5;
        int payload = config.payloadSize();
        Result result = Result.of(String.format(Locale.ROOT, """
                **Store alone**: the calls of an outbound QoS 1 flow with a window of %d — `saveOutbound` of message i \
                (%d-byte payload), `removeOutbound` of message i-%d, and for `always` `beforeFlush()` (the engine's \
                sync before a network flush) after every k messages — each timed with `System.nanoTime()` on the calling \
                thread, as the event loop would spend it; N = %,d messages per run (%,d for `always` with a flush per \
                message), a fresh store directory per run, R = %d runs after one unmeasured warm-up run per variant, the \
                variants taking turns run by run. \
                Compaction (4 MiB threshold) runs on the store's background thread. **End to end**: our client (MQTT 5, \
                maxInflight %d) publishes N = %,d QoS 1 messages to the harness's Mosquitto with each store; msg/s from \
                the first publish to the last PUBACK.""", WINDOW, payload, WINDOW, messages,
                Math.min(messages, ALWAYS_PER_MESSAGE_MESSAGES), config.repeats(), WINDOW, config.messages()));
        Progress progress = config.progress();
        // Variants take turns run by run, so that a machine getting busier or the JIT warming up favours none.
        Map<Variant, List<StoreRun>> storeRuns = new LinkedHashMap<>();
        for (Variant v : VARIANTS) {
            storeRun(v, Math.max(1, storeMessages(v, messages) / 10), payload, progress, "warm-up"); // unmeasured
            storeRuns.put(v, new ArrayList<>());
        }
        for (int r = 0; r < config.repeats(); r++) {
            for (Variant v : VARIANTS) {
                storeRuns.get(v).add(storeRun(v, storeMessages(v, messages), payload, progress, "run " + (r + 1)));
            }
        }
        for (Variant v : VARIANTS) {
            List<StoreRun> runs = storeRuns.get(v);
            boolean baseline = v.policy() == null;
            result.add(new Figure("event-loop time in the store per QoS 1 message", v.name(), "µs/msg",
                    Stats.of(runs.stream().mapToDouble(StoreRun::microsPerMessage).toArray()), false, baseline, ""));
            result.add(new Figure("longest single store call in a run (an event-loop stall)", v.name(), "ms",
                    Stats.of(runs.stream().mapToDouble(StoreRun::longestCallMillis).toArray()), false, baseline,
                    "calls over 1 ms per run: " + runs.stream().map(x -> Long.toString(x.callsOver1ms())).toList()));
        }
        // the engine decides how many messages share a flush: one end-to-end variant per policy
        List<Variant> endToEnd = VARIANTS.stream()
                .filter(v -> !(v.policy() == SyncPolicy.ALWAYS && v.messagesPerFlush() == 1)).toList();
        Map<Variant, List<Double>> rates = new LinkedHashMap<>();
        Map<Variant, String> problems = new LinkedHashMap<>();
        for (int r = 0; r <= config.repeats(); r++) {
            for (Variant v : endToEnd) {
                try {
                    double rate = publishRun(config.brokerUri(), v, config.messages(), payload, progress,
                            r == 0 ? "warm-up" : "run " + r);
                    if (r > 0) {
                        rates.computeIfAbsent(v, k -> new ArrayList<>()).add(rate);
                    }
                } catch (Exception e) {
                    problems.put(v, v.name() + ": " + e);
                }
            }
        }
        for (Variant v : endToEnd) {
            String name = v.policy() == null ? "memory" : "file, " + v.policy().name().toLowerCase(Locale.ROOT);
            List<Double> measured = rates.get(v);
            result.add(new Figure("QoS 1 publish through Mosquitto, end to end", name, "msg/s",
                    measured == null ? null : Stats.of(measured), true, v.policy() == null, ""));
            if (problems.containsKey(v)) {
                result.problem(problems.get(v));
            }
        }
        return result;
    }

    private static int storeMessages(Variant v, int messages) {
        return v.messagesPerFlush() == 1 && v.policy() == SyncPolicy.ALWAYS
                ? Math.min(messages, ALWAYS_PER_MESSAGE_MESSAGES) : messages;
    }

    /** One timed run of the store alone; the directory is deleted afterwards. */
    static StoreRun storeRun(Variant v, int n, int payloadBytes, Progress progress, String label) throws IOException {
        Path dir = Files.createTempDirectory("bench-session-store-");
        SessionStore store = v.create(dir);
        long total = 0;
        long longest = 0;
        long over1ms = 0;
        try (Progress.Tracker tracker = progress.track("session-store " + v.name() + " " + label, n)) {
            store.open("bench-client");
            byte[] payload = new byte[payloadBytes];
            for (int i = 0; i < n; i++) {
                int id = 1 + i % 65_000;
                StoredPublish publish = new StoredPublish(id, "bench/store/" + (i % 100), payload, 1, false, false,
                        new byte[0]);
                long t0 = System.nanoTime();
                store.saveOutbound(publish);
                long t1 = System.nanoTime();
                long t2 = t1;
                if (i >= WINDOW) {
                    store.removeOutbound(1 + (i - WINDOW) % 65_000);
                    t2 = System.nanoTime();
                }
                long t3 = t2;
                if ((i + 1) % v.messagesPerFlush() == 0 && v.policy() == SyncPolicy.ALWAYS) {
                    store.beforeFlush();
                    t3 = System.nanoTime();
                }
                long longestHere = Math.max(t1 - t0, Math.max(t2 - t1, t3 - t2));
                longest = Math.max(longest, longestHere);
                if (longestHere > 1_000_000) {
                    over1ms++;
                }
                total += t3 - t0;
                if ((i & 1023) == 0) {
                    tracker.set(i);
                }
            }
            tracker.set(n);
        } finally {
            store.close();
            deleteRecursively(dir);
        }
        return new StoreRun(total / 1_000.0 / n, longest / 1_000_000.0, over1ms);
    }

    /** Publishes n QoS 1 messages with the variant's store, at most 10 windows outstanding; returns msg/s. */
    static double publishRun(String broker, Variant v, int n, int payloadBytes, Progress progress, String label)
            throws Exception {
        Path dir = Files.createTempDirectory("bench-session-store-e2e-");
        Supplier<SessionStore> stores = () -> v.create(dir);
        String clientId = "bench-store-" + System.nanoTime();
        MqttClient client = new MqttClient(MqttClientOptions.builder().serverUri(broker).clientId(clientId)
                .version(MqttVersion.V5).maxInflight(WINDOW).automaticReconnect(false).sessionStore(stores).build());
        Semaphore outstanding = new Semaphore(10 * WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        byte[] payload = new byte[payloadBytes];
        try (Progress.Tracker tracker = progress.track("session-store publish " + v.name() + " " + label, n)) {
            client.connect().get(30, TimeUnit.SECONDS);
            long start = System.nanoTime();
            for (int i = 0; i < n && failure.get() == null; i++) {
                if (!outstanding.tryAcquire(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no PUBACK for 60 s: " + client.metrics().lastError());
                }
                client.publish(OutboundMessage.of("bench/store/e2e", payload, 1)).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    tracker.add(1);
                    outstanding.release();
                });
            }
            if (!outstanding.tryAcquire(10 * WINDOW, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publishes not confirmed within 60 s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) {
                throw new IllegalStateException("a publish failed: " + failure.get(), failure.get());
            }
            return n / seconds;
        } finally {
            client.close();
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
