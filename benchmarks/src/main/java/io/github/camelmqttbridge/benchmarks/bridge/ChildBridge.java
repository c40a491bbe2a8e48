package io.github.camelmqttbridge.benchmarks.bridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent side of {@link ChildBridgeMain}: starts the bridge JVM, sends commands, reads replies. The child's
 * stderr (its log) goes to a file in the temporary directory, named in failures.
 */
public final class ChildBridge implements AutoCloseable {

    /** The child's answer to STATUS. */
    public record Status(long distinct, long duplicates, long cpuNanos, long nanosToLast, long nanosToDone,
            long inversions) {
        public boolean done() {
            return nanosToDone >= 0;
        }
    }

    /**
     * JVM options for every bridge child, e.g. {@code -Dbench.child.jvmArgs=-agentpath:/path/libasyncProfiler.so=...}
     * to profile it (never for published figures). Split at spaces.
     */
    private static final String EXTRA_JVM_ARGS = System.getProperty("bench.child.jvmArgs", "");

    /**
     * Profiling knob (never for published figures): {@code -Dbench.child.profiler=/path/libasyncProfiler.so} profiles
     * every measured run of a bridge JVM with async-profiler (CPU, per thread), attached through {@code jcmd}, into
     * {@code bench-profile-<run>.collapsed} in the temporary directory.
     */
    private static final String PROFILER = System.getProperty("bench.child.profiler");

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(64);
    private final Path log;
    private final String kafkaTopic;

    private ChildBridge(Process process, Path log, String kafkaTopic) {
        this.process = process;
        this.log = log;
        this.kafkaTopic = kafkaTopic;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("@@ ")) {
                        replies.put(line.substring(3));
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // child gone
            }
        }, "bench-child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a bridge JVM ({@code -Xmx512m}) with the given {@link ChildBridgeMain} arguments and waits for READY.
     */
    public static ChildBridge start(Map<String, String> arguments) throws IOException, InterruptedException {
        Path log = Files.createTempFile("bench-bridge-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        for (String extra : EXTRA_JVM_ARGS.trim().split("\\s+")) {
            if (!extra.isEmpty()) {
                command.add(extra.replace("{pid}", "" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
            }
        }
        String kafkaOptions = System.getProperty("bench.kafka.options");
        if (kafkaOptions != null) {
            command.add("-Dbench.kafka.options=" + kafkaOptions);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildBridgeMain.class.getName());
        arguments.forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        ChildBridge child = new ChildBridge(p, log, arguments.get("kafkaTopic"));
        String ready = child.replies.poll(120, TimeUnit.SECONDS);
        if (!"READY".equals(ready)) {
            child.close();
            throw new IllegalStateException("bridge JVM did not start (" + ready + "); its log: " + log + "\n"
                    + tail(log));
        }
        return child;
    }

    /** Sends one command and returns its reply. */
    public String command(String line) throws IOException, InterruptedException {
        commands.write(line + "\n");
        commands.flush();
        String reply = replies.poll(120, TimeUnit.SECONDS);
        if (reply == null || reply.startsWith("ERROR")) {
            throw new IllegalStateException("bridge JVM: no answer to " + line + " (" + reply + "); its log: " + log
                    + "\n" + tail(log));
        }
        return reply;
    }

    public Status status() throws IOException, InterruptedException {
        String[] f = command("STATUS").split(" ");
        return new Status(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5]), Long.parseLong(f[6]));
    }

    /** p50, p99, max latency in ms of the messages counted since RESET. */
    public double[] latencies() throws IOException, InterruptedException {
        String[] f = command("LATENCY").split(" ");
        return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])};
    }

    /**
     * Polls STATUS until all counted messages arrived or nothing moved for {@code stall}; returns the last status.
     */
    public Status awaitDone(Duration stall, java.util.function.LongConsumer progress)
            throws IOException, InterruptedException {
        Status s = status();
        long last = s.distinct();
        long lastChange = System.nanoTime();
        while (!s.done() && System.nanoTime() - lastChange < stall.toNanos()) {
            Thread.sleep(20);
            s = status();
            if (progress != null) {
                progress.accept(s.distinct());
            }
            if (s.distinct() != last) {
                last = s.distinct();
                lastChange = System.nanoTime();
            }
        }
        return s;
    }

    /** Starts async-profiler in the child if the profiling knob is set. */
    public void profileStart() {
        if (PROFILER != null) {
            jcmd("start,event=cpu,interval=1ms,threads");
        }
    }

    /** Stops it and writes the collapsed stacks; returns the file, or null without the knob. */
    public Path profileStop(String label) {
        if (PROFILER == null) {
            return null;
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "bench-profile-" + label.replaceAll("[^A-Za-z0-9]+", "-") + ".collapsed");
        jcmd("stop,file=" + file + ",collapsed");
        return file;
    }

    private void jcmd(String arguments) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(process.pid()), "JVMTI.agent_load", PROFILER, "\"" + arguments + "\"")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String kafkaTopic() {
        return kafkaTopic;
    }

    public Path log() {
        return log;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            commands.write("QUIT\n");
            commands.flush();
        } catch (IOException ignored) {
            // gone already
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
