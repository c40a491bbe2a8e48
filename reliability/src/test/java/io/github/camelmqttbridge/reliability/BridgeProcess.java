package io.github.camelmqttbridge.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.camelmqttbridge.testsupport.ChildProcess;

/**
 * The bridge runner ({@code examples/bridge}, {@code java -jar camel-mqtt-bridge-runner.jar}) as a child JVM with
 * real route files, a status line every second, and its output in {@code bridge.out}. It can be killed with SIGKILL
 * ({@link #kill()}), stopped with SIGTERM ({@link #stop()}) and started again with the same arguments, so the
 * file session store in {@code bridge.state.dir} carries over.
 * <p>
 * The status lines are parsed as they come: the highest "in flight" seen, the last "acked", and the peak resident
 * set size of the process (from /proc) are kept, to show the bridge holds no unbounded buffer.
 */
final class BridgeProcess implements AutoCloseable {

    private static final Pattern STATUS = Pattern.compile(
            "status: in ([0-9.]+) msg/s, out ([0-9.]+) msg/s, in flight (\\d+), acked (\\d+), dead-lettered (\\d+),"
                    + " failed (\\d+), reconnects (\\S+)");

    // generous: a JVM and Camel start took over 60 s at a load average of 28 on the shared 2-core machine
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

    private final Path directory;
    private final List<String> routeFiles;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private volatile ChildProcess process;
    private final AtomicLong maxInflight = new AtomicLong();
    private final AtomicLong lastAcked = new AtomicLong();
    private final AtomicLong statusLines = new AtomicLong();
    private final AtomicLong peakRssKb = new AtomicLong();
    /** The status line's "reconnects": -1 until a line with a number came. */
    private final AtomicLong reconnects = new AtomicLong(-1);
    private final List<String> jvmOptions = new ArrayList<>();
    private volatile boolean started;

    BridgeProcess(Path directory, List<String> routeFiles) {
        this.directory = directory;
        this.routeFiles = routeFiles;
    }

    BridgeProcess property(String name, Object value) {
        properties.put(name, String.valueOf(value));
        return this;
    }

    /** A JVM option for the child, e.g. a system property; before {@link #start()}. */
    BridgeProcess jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * Opens the child's JMX to this machine on {@code port} (no authentication, no TLS: a test on 127.0.0.1), for
     * {@link BridgeJmx}.
     */
    BridgeProcess jmxPort(int port) {
        return jvmOption("-Dcom.sun.management.jmxremote.port=" + port)
                .jvmOption("-Dcom.sun.management.jmxremote.rmi.port=" + port)
                .jvmOption("-Dcom.sun.management.jmxremote.host=127.0.0.1")
                .jvmOption("-Djava.rmi.server.hostname=127.0.0.1")
                .jvmOption("-Dcom.sun.management.jmxremote.authenticate=false")
                .jvmOption("-Dcom.sun.management.jmxremote.ssl=false");
    }

    Path log() {
        return directory.resolve("bridge.out");
    }

    /** Starts the child and returns once it printed that its routes started (at most 120 s). */
    synchronized BridgeProcess start() {
        if (isAlive()) {
            return this;
        }
        launch();
        process.awaitReady("print that its routes started", START_TIMEOUT, () -> started);
        return this;
    }

    /**
     * Starts the child and returns at once; {@link #awaitStarted} waits for its routes. For a bridge whose start may
     * block for a while (its consumer waits for a broker that keeps taking its session away).
     */
    synchronized BridgeProcess launch() {
        if (isAlive()) {
            return this;
        }
        started = false;
        Path routes = copyRouteFiles();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmOptions);
        Path jar = Reliability.runnerJar();
        if (Files.isRegularFile(jar)) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            // e.g. `mvn test` without the package phase: the runner's classes from the test class path
            cmd.add("-cp");
            String cp = System.getProperty("surefire.test.class.path");
            cmd.add(cp == null ? System.getProperty("java.class.path") : cp);
            cmd.add("io.github.camelmqttbridge.runner.BridgeMain");
        }
        cmd.add("--routes");
        cmd.add(routes.toString());
        cmd.add("--status-interval");
        cmd.add("1");
        properties.forEach((k, v) -> cmd.add(k + "=" + v));
        process = ChildProcess.start("the bridge", new ProcessBuilder(cmd).directory(directory.toFile()), log(),
                this::readOutputLine);
        return this;
    }

    /** After {@link #launch()}: returns once the child printed that its routes started, at most {@code timeout}. */
    void awaitStarted(Duration timeout) {
        process.awaitReady("print that its routes started", timeout, () -> started);
    }

    boolean started() {
        return started;
    }

    /** The real route files, unchanged, in a folder of their own (the runner loads all *.yaml of a folder). */
    private Path copyRouteFiles() {
        Path routes = directory.resolve("routes");
        try {
            Files.createDirectories(routes);
            for (String name : routeFiles) {
                Files.copy(Reliability.routesDir().resolve(name), routes.resolve(name),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bridge's route files into " + routes, e);
        }
        return routes;
    }

    private void readOutputLine(String line) {
        if (line.startsWith("camel-mqtt-bridge: started")) {
            started = true;
        }
        Matcher m = STATUS.matcher(line);
        if (m.find()) {
            statusLines.incrementAndGet();
            maxInflight.accumulateAndGet(Long.parseLong(m.group(3)), Math::max);
            lastAcked.set(Long.parseLong(m.group(4)));
            if (m.group(7).matches("\\d+")) {
                reconnects.set(Long.parseLong(m.group(7)));
            }
            // status lines come a second after the start, long after `process` holds this child
            peakRssKb.accumulateAndGet(rssKb(pid()), Math::max);
        }
    }

    /** Resident set size of a process in kB from /proc (0 where there is no /proc). */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone or not Linux
        }
        return 0;
    }

    /** SIGKILL, like kill -9: no shutdown hook, nothing flushed, nothing acked. */
    void kill() {
        ChildProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    /** SIGTERM: the runner's clean shutdown (in-flight exchanges finish and are acked); SIGKILL after 40 s. */
    void stop() {
        ChildProcess p = process;
        if (p != null) {
            p.stop(STOP_TIMEOUT);
        }
    }

    boolean isAlive() {
        ChildProcess p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        ChildProcess p = process;
        return p == null ? -1 : p.pid();
    }

    long maxInflightSeen() {
        return maxInflight.get();
    }

    long lastAcked() {
        return lastAcked.get();
    }

    /**
     * The mqtt-bridge consumers' reconnects as the last status line said (the sum of their Reconnects JMX
     * attribute); -1 before the first line. A restarted child counts from 0 again.
     */
    long reconnects() {
        return reconnects.get();
    }

    long statusLines() {
        return statusLines.get();
    }

    long peakRssKb() {
        return peakRssKb.get();
    }

    String tail(int lines) {
        return ChildProcess.tail(log(), lines);
    }

    /** Lines of the bridge's output that contain {@code text}. */
    long countLines(String text) {
        try (var lines = Files.lines(log(), StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        stop();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
