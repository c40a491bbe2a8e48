package io.github.camelmqttbridge.benchmarks.raw;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.SequenceCounter;
import io.github.camelmqttbridge.benchmarks.Stats;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Raw client throughput against the broker, no Camel: our engine, Eclipse Paho and the HiveMQ client, MQTT
 * 3.1.1 and 5, QoS 0, 1 and 2, each library as a publisher and as a subscriber.
 */
public final class RawClientScenario implements Scenario {

    private static final int[] QOS = {0, 1, 2};
    private static final MqttVersion[] VERSIONS = {MqttVersion.V3_1_1, MqttVersion.V5};
    private static final AtomicInteger RUN_IDS = new AtomicInteger();

    /** Anomalies reported by drivers during the current scenario run, written into the result at the end. */
    private final java.util.List<String> anomalies = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
        return "raw-client";
    }

    /**
     * For profiling one group: {@code -Dbench.raw.groups=REGEX} runs only the groups whose name matches, e.g.
     * {@code 'subscribe, MQTT 3.1.1, QoS 1'}. Unset (the default, and always for published figures): all groups.
     */
    private static final java.util.regex.Pattern GROUPS = System.getProperty("bench.raw.groups") == null ? null
            : java.util.regex.Pattern.compile(System.getProperty("bench.raw.groups"));

    @Override
    public String title() {
        return "Raw client: publish and subscribe throughput, ours vs Paho vs HiveMQ client";
    }

    @Override
    public Result run(Config config) throws Exception {
        Result result = Result.of(method(config));
        for (MqttVersion version : VERSIONS) {
            for (int qos : QOS) {
                for (boolean publish : new boolean[] {true, false}) {
                    String group = (publish ? "publish" : "subscribe") + ", MQTT " + (version == MqttVersion.V5 ? "5" : "3.1.1")
                            + ", QoS " + qos;
                    if (GROUPS != null && !GROUPS.matcher(group).find()) {
                        continue;
                    }
                    measureGroup(config, result, version, qos, publish);
                }
            }
        }
        anomalies.forEach(result::problem);
        int receiveMaximum = OursDriver.BROKER_RECEIVE_MAXIMUM.get();
        if (receiveMaximum > 0) {
            result.observe("Receive Maximum the broker announced to our MQTT 5 clients: " + receiveMaximum
                    + (receiveMaximum < config.window() ? " — below the window " + config.window()
                            + ": every MQTT 5 publisher was capped at " + receiveMaximum + " in flight" : "") + ".");
        }
        return result;
    }

    private static String method(Config c) {
        return String.format(Locale.ROOT, """
                **Publish:** one client publishes N = %,d messages of %d bytes to `bench/pub/<run>` (no subscriber), \
                keeping at most W = %d publishes in flight: a semaphore of W permits is taken before each publish and \
                given back when the library reports it complete (PUBACK for QoS 1, PUBCOMP for QoS 2, written for QoS 0). \
                Rate = N / (time from the first publish to the last completion). Every library also gets its own \
                in-flight setting at W where it has one: ours `maxInflight`, Paho v3 `maxInflight` (default 10), \
                HiveMQ v5 `sendMaximum`; Paho v5 and ours on v5 also obey the broker's Receive Maximum, which the \
                harness's Mosquitto sets to W.

                **Subscribe:** the library under test subscribes (clean session, MQTT 5 Receive Maximum = W, automatic \
                acknowledgement) to a fresh topic at the same QoS; then a fixed publisher — always our engine, same \
                version and QoS, window W — publishes N messages carrying a sequence number. Rate = distinct messages \
                received / (time from the first publish to the last message received). The subscriber counts what \
                arrived: *lost* = published but never received (waiting %d s without progress), *dup* = received twice. \
                This figure is end-to-end through the broker, so it is bounded by the publisher and the broker too.

                Each figure: R = %d measured runs (library order rotated each round so that no library always runs \
                first), after one unmeasured warm-up run of max(N/10, 20,000) messages per library and group. Each run uses a new connection \
                and client id. "ours ÷ this" above 1 means our engine was faster.""",
                c.messages(), c.payloadSize(), c.window(), idleWait(c, 1), c.repeats());
    }

    private void measureGroup(Config config, Result result, MqttVersion version, int qos, boolean publish) {
        String v = version == MqttVersion.V5 ? "5" : "3.1.1";
        String group = (publish ? "publish" : "subscribe") + ", MQTT " + v + ", QoS " + qos;
        Progress progress = config.progress();
        progress.say("-- " + group);
        Library[] libraries = java.util.Arrays.stream(Library.values()).filter(l -> config.clientSelected(l.shortName()))
                .toArray(Library[]::new);
        int warmup = config.warmupMessages();
        for (Library lib : libraries) {
            RunOutcome outcome = runOnce(config, lib, version, qos, publish, warmup, group + " " + lib.shortName() + " warm-up");
            if (!outcome.finished()) {
                result.problem(group + ", " + lib.label(version) + ", warm-up run: " + outcome.error());
            }
        }
        Map<Library, List<RunOutcome>> outcomes = new EnumMap<>(Library.class);
        for (int r = 0; r < config.repeats(); r++) {
            for (int i = 0; i < libraries.length; i++) {
                Library lib = libraries[(i + r) % libraries.length];
                String label = group + " " + lib.shortName() + " run " + (r + 1) + "/" + config.repeats();
                RunOutcome outcome = runOnce(config, lib, version, qos, publish, config.messages(), label);
                outcomes.computeIfAbsent(lib, k -> new ArrayList<>()).add(outcome);
                if (!outcome.finished()) {
                    result.problem(group + ", " + lib.label(version) + ", run " + (r + 1) + ": " + outcome.error());
                } else if (qos > 0 && outcome.lost() > 0) {
                    result.problem(group + ", " + lib.label(version) + ", run " + (r + 1) + ": lost " + outcome.lost()
                            + " of " + config.messages() + " QoS " + qos + " messages");
                }
                if (outcome.publishErrors() > 0) {
                    result.problem(group + ", " + lib.label(version) + ", run " + (r + 1) + ": " + outcome.publishErrors()
                            + " publish(es) failed; " + outcome.error());
                }
            }
        }
        for (Library lib : libraries) {
            List<RunOutcome> runs = outcomes.getOrDefault(lib, List.of());
            List<Double> rates = runs.stream().filter(RunOutcome::finished).map(RunOutcome::rate).toList();
            result.add(new Figure(group, lib.label(version), "msg/s", rates.isEmpty() ? null : Stats.of(rates), true,
                    lib == Library.OURS, notes(runs, publish)));
        }
    }

    private static String notes(List<RunOutcome> runs, boolean publish) {
        List<String> notes = new ArrayList<>();
        long failed = runs.stream().filter(r -> !r.finished()).count();
        if (failed > 0) {
            notes.add(failed + " of " + runs.size() + " runs failed or stalled");
        }
        if (!publish) {
            long minLost = runs.stream().filter(RunOutcome::finished).mapToLong(RunOutcome::lost).min().orElse(0);
            long maxLost = runs.stream().filter(RunOutcome::finished).mapToLong(RunOutcome::lost).max().orElse(0);
            notes.add(minLost == maxLost ? "lost " + maxLost : "lost " + minLost + "–" + maxLost);
            long dups = runs.stream().mapToLong(RunOutcome::duplicates).sum();
            if (dups > 0) {
                notes.add(dups + " dup");
            }
        }
        long errors = runs.stream().mapToLong(RunOutcome::publishErrors).sum();
        if (errors > 0) {
            notes.add(errors + " publish errors");
        }
        return String.join(", ", notes);
    }

    private RunOutcome runOnce(Config config, Library lib, MqttVersion version, int qos, boolean publish, int n,
            String label) {
        int id = RUN_IDS.incrementAndGet();
        try {
            return publish ? publishRun(config, lib, version, qos, n, label, id)
                    : subscribeRun(config, lib, version, qos, n, label, id);
        } catch (Exception e) {
            return new RunOutcome(null, 0, 0, 0, 0, "exception " + describe(e));
        } finally {
            pause(100); // let the broker finish with the closed connections
        }
    }

    private RunOutcome publishRun(Config config, Library lib, MqttVersion version, int qos, int n, String label, int id)
            throws Exception {
        URI broker = URI.create(config.brokerUri());
        try (ClientDriver driver = lib.driver(version)) {
            driver.connect(broker, "bench-pub-" + lib.shortName() + "-" + id, config.window());
            Progress.Tracker tracker = config.progress().track(label, n);
            Publisher publisher = new Publisher(driver, config, tracker);
            long start = System.nanoTime();
            String stall = publisher.publishAll("bench/pub/" + id, qos, n);
            if (stall != null) {
                tracker.finish("STALLED");
                return new RunOutcome(null, publisher.completed.get(), 0, 0, publisher.failed.get(),
                        stall + "; " + lib.label(version) + " state: " + driver.diagnostics());
            }
            noteAnomalies(label + " (publisher " + lib.label(version) + ")", driver);
            double seconds = (publisher.lastCompletion.get() - start) / 1e9;
            double rate = n / seconds;
            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s%s", rate,
                    publisher.failed.get() > 0 ? ", " + publisher.failed.get() + " failed: " + publisher.firstError.get() : ""));
            return new RunOutcome(rate, publisher.completed.get(), 0, 0, publisher.failed.get(), publisher.errorText());
        }
    }

    private RunOutcome subscribeRun(Config config, Library lib, MqttVersion version, int qos, int n, String label, int id)
            throws Exception {
        URI broker = URI.create(config.brokerUri());
        String topic = "bench/sub/" + id;
        try (ClientDriver subscriber = lib.driver(version); ClientDriver source = Library.OURS.driver(version)) {
            subscriber.connect(broker, "bench-sub-" + lib.shortName() + "-" + id, config.window());
            Progress.Tracker tracker = config.progress().track(label + " (received)", n);
            SequenceCounter received = new SequenceCounter(n, tracker);
            subscriber.subscribe(topic, qos, received::accept);
            source.connect(broker, "bench-src-" + id, config.window());
            Publisher publisher = new Publisher(source, config, null);
            long start = System.nanoTime();
            String stall = publisher.publishAll(topic, qos, n);
            if (stall != null) {
                tracker.finish("PUBLISHER STALLED");
                return new RunOutcome(null, received.distinct(), n - received.distinct(), received.duplicates(),
                        publisher.failed.get(),
                        "the publisher (our engine) " + stall + "; publisher state: " + source.diagnostics()
                                + "; subscriber received " + received.distinct());
            }
            // wait for the rest; give up after a quiet period
            received.awaitAll(n, Duration.ofSeconds(idleWait(config, qos)));
            noteAnomalies(label + " (subscriber " + lib.label(version) + ")", subscriber);
            noteAnomalies(label + " (publisher, ours)", source);
            long got = received.distinct();
            if (got == 0) {
                tracker.finish("NOTHING RECEIVED");
                return new RunOutcome(null, 0, n, received.duplicates(), publisher.failed.get(),
                        "subscriber received nothing; state: " + subscriber.diagnostics());
            }
            double seconds = (received.lastReceiveNanos() - start) / 1e9;
            double rate = got / seconds;
            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s, lost %d, dup %d", rate, n - got, received.duplicates()));
            if (got < n && qos > 0) {
                System.out.println("    subscriber state after loss: " + subscriber.diagnostics());
            }
            return new RunOutcome(rate, got, n - got, received.duplicates(), publisher.failed.get(),
                    publisher.errorText());
        }
    }

    private void noteAnomalies(String who, ClientDriver driver) {
        String text = driver.anomalies();
        if (!text.isEmpty()) {
            anomalies.add(who + ": " + text);
            System.out.println("    ANOMALY: " + who + ": " + text);
        }
    }

    /** How long a subscriber may go without a new message before the rest counts as lost. */
    private static long idleWait(Config config, int qos) {
        return qos == 0 ? Math.min(3, config.stallTimeout().toSeconds()) : config.stallTimeout().toSeconds();
    }

    /** Publishes with a bounded window; returns null when all completed, or a description of the stall. */
    private static final class Publisher {
        private final ClientDriver driver;
        private final Config config;
        private final Progress.Tracker tracker;
        private final Semaphore permits;
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong lastCompletion = new AtomicLong();
        final AtomicReference<Throwable> firstError = new AtomicReference<>();

        Publisher(ClientDriver driver, Config config, Progress.Tracker tracker) {
            this.driver = driver;
            this.config = config;
            this.tracker = tracker;
            this.permits = new Semaphore(config.window());
        }

        String publishAll(String topic, int qos, int n) throws InterruptedException {
            long stallNanos = config.stallTimeout().toNanos();
            for (int i = 0; i < n; i++) {
                if (!permits.tryAcquire(stallNanos, TimeUnit.NANOSECONDS)) {
                    return String.format(Locale.ROOT, "stalled: window of %d full for %d s after %d publishes, %d completed",
                            config.window(), config.stallTimeout().toSeconds(), i, completed.get());
                }
                byte[] payload = new byte[config.payloadSize()];
                ByteBuffer.wrap(payload).putLong(0, i);
                driver.publish(topic, payload, qos, this::onDone);
            }
            long last = completed.get();
            long lastChange = System.nanoTime();
            while (completed.get() < n) {
                pause(2);
                long now = completed.get();
                if (now != last) {
                    last = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > stallNanos) {
                    return String.format(Locale.ROOT, "stalled: %d of %d publishes completed, none for %d s", now, n,
                            config.stallTimeout().toSeconds());
                }
            }
            return null;
        }

        String errorText() {
            Throwable first = firstError.get();
            return first == null ? null : "first publish error: " + describe(first);
        }

        private void onDone(Throwable error) {
            if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
            lastCompletion.accumulateAndGet(System.nanoTime(), Math::max);
            completed.incrementAndGet();
            if (tracker != null) {
                tracker.add(1);
            }
            permits.release();
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            text.append(" <- ").append(c);
        }
        return text.toString();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
