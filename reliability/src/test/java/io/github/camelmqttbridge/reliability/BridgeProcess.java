package io.github.camelmqttbridge.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private final Path directory;
    private final List<String> routeFiles;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Thread killOnExit = new Thread(this::kill, "bridge-killer");
    private volatile Process process;
    private final AtomicLong maxInflight = new AtomicLong();
    private final AtomicLong lastAcked = new AtomicLong();
    private final AtomicLong statusLines = new AtomicLong();
    private final AtomicLong peakRssKb = new AtomicLong();
    private volatile boolean started;
    private int starts;

    BridgeProcess(Path directory, List<String> routeFiles) {
        this.directory = directory;
        this.routeFiles = routeFiles;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    BridgeProcess property(String name, Object value) {
        properties.put(name, String.valueOf(value));
        return this;
    }

    Path log() {
        return directory.resolve("bridge.out");
    }

    /** Starts the child and returns once it printed that its routes started (at most 60 s). */
    synchronized BridgeProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        starts++;
        started = false;
        try {
            Files.createDirectories(directory);
            Path routes = directory.resolve("routes");
            Files.createDirectories(routes);
            // the real route files, unchanged, in a folder of their own (the runner loads all *.yaml of a folder)
            for (String name : routeFiles) {
                Files.copy(Reliability.routesDir().resolve(name), routes.resolve(name),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx256m");
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-XX:TieredStopAtLevel=1");
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
            process = new ProcessBuilder(cmd).directory(directory.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the bridge", e);
        }
        Process p = process;
        Thread reader = new Thread(() -> pump(p), "bridge-output-" + starts);
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!started) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the bridge exited with " + p.exitValue() + " while starting:\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the bridge did not start within 60 s:\n" + tail(40));
            }
            sleep(50);
        }
        return this;
    }

    private void pump(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log(), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            out.println("---- start " + starts + " (pid " + p.pid() + ") ----");
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                if (line.startsWith("camel-mqtt-bridge: started")) {
                    started = true;
                }
                Matcher m = STATUS.matcher(line);
                if (m.find()) {
                    statusLines.incrementAndGet();
                    maxInflight.accumulateAndGet(Long.parseLong(m.group(3)), Math::max);
                    lastAcked.set(Long.parseLong(m.group(4)));
                    peakRssKb.accumulateAndGet(rssKb(p.pid()), Math::max);
                }
            }
        } catch (IOException e) {
            // the process ended
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
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitFor(p);
        }
    }

    /** SIGTERM: the runner's clean shutdown (in-flight exchanges finish and are acked). */
    void stop() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!waitFor(p)) {
                p.destroyForcibly();
                waitFor(p);
            }
        }
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    long maxInflightSeen() {
        return maxInflight.get();
    }

    long lastAcked() {
        return lastAcked.get();
    }

    long statusLines() {
        return statusLines.get();
    }

    long peakRssKb() {
        return peakRssKb.get();
    }

    String tail(int lines) {
        try {
            if (!Files.exists(log())) {
                return "";
            }
            List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log() + ")";
        }
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
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // fine
        }
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(40, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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
