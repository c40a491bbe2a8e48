package io.github.camelmqttbridge.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A process a test starts (a JVM, Mosquitto) with its output appended to a log file: wait until it is ready, stop
 * it with SIGTERM (SIGKILL after a grace period) or kill it with SIGKILL. Start failures say which process, what
 * was awaited and show the end of its log.
 * <p>
 * Until it has ended, a JVM shutdown hook kills it, so a child of a crashed test JVM does not hold its ports and
 * confuse later runs.
 *
 * <pre>{@code
 * ChildProcess broker = ChildProcess.start("Mosquitto", new ProcessBuilder("mosquitto", "-c", conf), log);
 * broker.awaitReady("accept connections on 127.0.0.1:" + port, Duration.ofSeconds(10),
 *         () -> PortProbe.accepts(port));
 * broker.stop(Duration.ofSeconds(10));
 * }</pre>
 */
public final class ChildProcess {

    /** How long to wait for the end of a process after SIGKILL; it only takes longer on a stalled machine. */
    private static final Duration AFTER_SIGKILL = Duration.ofSeconds(30);
    private static final int LOG_LINES_IN_ERRORS = 60;
    private static final long FIRST_POLL_MILLIS = 20;
    private static final long LONGEST_POLL_MILLIS = 250;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread killOnJvmExit;
    /** Copies the output to the log when lines are handed over; null when the process writes the log itself. */
    private volatile Thread outputCopier;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.killOnJvmExit = new Thread(process::destroyForcibly, "kill-" + name + "-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    /**
     * Runs {@code command} (its working directory and environment as set on it) with standard output and error
     * appended to {@code logFile}.
     *
     * @param name what the process is, for error messages: "Kafka", "Mosquitto", "the bridge"
     */
    public static ChildProcess start(String name, ProcessBuilder command, Path logFile) {
        command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return new ChildProcess(name, launch(name, command), logFile);
    }

    /**
     * As {@link #start(String, ProcessBuilder, Path)}, and hands each line of output to {@code eachLine} as it
     * comes, on a thread of its own, after appending it to the log (first a line with the process id, to tell the
     * runs of a restarted process apart).
     */
    public static ChildProcess start(String name, ProcessBuilder command, Path logFile, Consumer<String> eachLine) {
        Process process = launch(name, command.redirectErrorStream(true));
        ChildProcess child = new ChildProcess(name, process, logFile);
        Thread copier = new Thread(() -> child.copyOutput(eachLine), name + "-output-" + process.pid());
        copier.setDaemon(true);
        child.outputCopier = copier;
        copier.start();
        return child;
    }

    private static Process launch(String name, ProcessBuilder command) {
        try {
            return command.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + " (" + command.command().get(0) + ")", e);
        }
    }

    private void copyOutput(Consumer<String> eachLine) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            out.println("---- " + name + ", pid " + process.pid() + " ----");
            out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                out.println(line);
                out.flush();
                eachLine.accept(line);
            }
        } catch (IOException endedOrUnwritable) {
            // the process ended (its pipe closed) or the log cannot be written; nothing left to copy either way
        }
    }

    /**
     * Returns once {@code ready} holds, asking it at growing intervals up to 250 ms. Fails early, with the end of
     * the log, if the process exits first; after {@code timeout} the process is killed (a half-started child only
     * holds its ports) and this fails too.
     *
     * @param awaited what {@code ready} tells, to complete "... did not <em>awaited</em> within 10 s", e.g.
     *                "accept connections on 127.0.0.1:1883"
     */
    public void awaitReady(String awaited, Duration timeout, BooleanSupplier ready) {
        awaitReady(awaited, timeout, ready, () -> "");
    }

    /** As {@link #awaitReady(String, Duration, BooleanSupplier)}, with more to show after the log on failure. */
    public void awaitReady(String awaited, Duration timeout, BooleanSupplier ready, Supplier<String> moreOnFailure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_POLL_MILLIS;
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                if (awaitOutputCopied() && ready.getAsBoolean()) {
                    return; // ready told by the last lines of output
                }
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " while starting (pid " + process.pid() + ")" + failureDetails(moreOnFailure));
            }
            if (System.nanoTime() - deadline > 0) {
                kill();
                throw new IllegalStateException(name + " did not " + awaited + " within " + timeout.toSeconds()
                        + " s (pid " + process.pid() + ", now killed)" + failureDetails(moreOnFailure));
            }
            pause(pause);
            pause = Math.min(2 * pause, LONGEST_POLL_MILLIS);
        }
    }

    /** After the process ended: true once all its output is in the log and handed over. */
    private boolean awaitOutputCopied() {
        Thread copier = outputCopier;
        if (copier == null) {
            return true;
        }
        try {
            copier.join(AFTER_SIGKILL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !copier.isAlive();
    }

    private String failureDetails(Supplier<String> more) {
        return "\n--- last " + LOG_LINES_IN_ERRORS + " lines of " + logFile + " ---\n" + tail(LOG_LINES_IN_ERRORS)
                + more.get();
    }

    /**
     * SIGTERM, then SIGKILL if the process has not ended within {@code grace}.
     *
     * @return false if it took the SIGKILL, for tests of a clean shutdown
     */
    public boolean stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(grace)) {
                kill();
                return false;
            }
        }
        return true;
    }

    /** SIGKILL, like kill -9: no shutdown hook or clean-up runs in the process. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(AFTER_SIGKILL);
    }

    /** Waits at most {@code timeout} for the process to end by itself; true if it has. */
    public boolean awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
        } catch (IllegalStateException jvmShuttingDown) {
            // nothing to remove then
        }
        return true;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code; 128 + the signal's number if a signal ended the process (143 for SIGTERM, 137 for SIGKILL). */
    public int exitCode() {
        return process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the log, or an empty string if there is none yet. */
    public String tail(int lines) {
        return tail(logFile, lines);
    }

    /**
     * The last {@code lines} lines of a text file, or an empty string if it does not exist. Reads at most its last
     * 256 kB: a long test's log can be large.
     */
    public static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to start", e);
        }
    }
}
