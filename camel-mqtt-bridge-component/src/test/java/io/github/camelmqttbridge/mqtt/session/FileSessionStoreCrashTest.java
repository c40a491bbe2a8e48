package io.github.camelmqttbridge.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is writing to a {@link FileSessionStore} with SIGKILL and checks that every message it
 * confirmed (printed after {@code saveOutbound} returned) is in the store, without fsync per write.
 */
class FileSessionStoreCrashTest {

    private static final String CLIENT_ID = "crash-test-client";
    private static final int ACKNOWLEDGED_BEFORE_KILL = 2000;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    /** Marks the end of the child's stdout in the queue. */
    private static final String END = "<end of output>";

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void nothingConfirmedIsLostWhenTheProcessIsKilled() throws Exception {
        Path childErrors = directory.resolve("child-stderr.txt");
        Path storeDirectory = directory.resolve("store");
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                SessionStoreCrashChild.class.getName(), storeDirectory.toString(), CLIENT_ID)
                .redirectError(childErrors.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = startLineReader(child.getInputStream(), lines);
        Set<Integer> printed = new HashSet<>();
        try {
            awaitConfirmedIds(lines, printed, child, childErrors);
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close()
            assertThat(child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("child JVM ended").isTrue();
        }
        reader.join(CHILD_TIMEOUT.toMillis());
        drainIds(lines, printed); // the ids printed between our last read and the kill count too

        try (FileSessionStore store = new FileSessionStore(storeDirectory)) {
            StoredSession session = store.open(CLIENT_ID); // would throw if the dead child's lock were stale
            Set<Integer> stored = session.outbound().stream().map(StoredPublish::packetId).collect(Collectors.toSet());

            assertThat(printed).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
            assertThat(stored).containsAll(printed);
            StoredPublish first = session.outbound().get(0);
            assertThat(first.topic()).isEqualTo("crash/test/1");
            assertThat(first.payload()).hasSize(512).startsWith((byte) 1);
        }
    }

    /**
     * The same while background compactions run all the time (a 32 KiB threshold): the kill lands before, during or
     * after a compaction, and the reopened log must hold every message confirmed as saved that is never removed, and
     * none confirmed as removed.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void nothingConfirmedIsLostOrRevivedWhenTheProcessIsKilledDuringBackgroundCompactions() throws Exception {
        Path childErrors = directory.resolve("child-stderr.txt");
        Path storeDirectory = directory.resolve("store");
        Process child = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                SessionStoreCompactionCrashChild.class.getName(), storeDirectory.toString(), CLIENT_ID)
                .redirectError(childErrors.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = startLineReader(child.getInputStream(), lines);
        Set<Integer> saved = new HashSet<>();
        Set<Integer> removed = new HashSet<>();
        try {
            long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
            // killed right after the child saw a compaction running: often inside it, sometimes just after
            for (String line = ""; !line.equals("COMPACTING"); ) {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END)) {
                    fail("child JVM %s after %d saved; its stderr:%n%s", line == null ? "timed out"
                            : "ended (exit " + child.waitFor() + ")", saved.size(), Files.readString(childErrors));
                }
                record(line, saved, removed);
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("child JVM ended").isTrue();
        }
        reader.join(CHILD_TIMEOUT.toMillis());
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        rest.forEach(line -> record(line, saved, removed));

        try (FileSessionStore store = new FileSessionStore(storeDirectory)) {
            StoredSession session = store.open(CLIENT_ID);
            Set<Integer> stored = session.outbound().stream().map(StoredPublish::packetId).collect(Collectors.toSet());
            // kept for good: saved and never removed (a message whose removal was not confirmed may go either way)
            Set<Integer> live = saved.stream().filter(n -> n % SessionStoreCompactionCrashChild.KEEP_ONE_IN == 0)
                    .collect(Collectors.toSet());

            assertThat(saved.size()).isGreaterThanOrEqualTo(SessionStoreCompactionCrashChild.KILL_AFTER);
            assertThat(stored).containsAll(live);
            assertThat(stored).doesNotContainAnyElementsOf(removed);
            StoredPublish kept = session.outbound().stream().filter(p -> p.packetId() == 50).findFirst().orElseThrow();
            assertThat(kept.topic()).isEqualTo("crash/compaction/50");
            assertThat(kept.payload()).hasSize(256).startsWith((byte) 50);
        }
    }

    private static void record(String line, Set<Integer> saved, Set<Integer> removed) {
        if (line.startsWith("S ")) {
            saved.add(Integer.valueOf(line.substring(2)));
        } else if (line.startsWith("R ")) {
            removed.add(Integer.valueOf(line.substring(2)));
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Counts confirmed ids until enough arrived; fails early if the child dies or stays silent. */
    private static void awaitConfirmedIds(BlockingQueue<String> lines, Set<Integer> printed, Process child,
            Path childErrors) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (printed.size() < ACKNOWLEDGED_BEFORE_KILL) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                fail("child JVM %s after %d confirmed ids; its stderr:%n%s",
                        line == null ? "timed out" : "ended (exit " + child.waitFor() + ")", printed.size(),
                        Files.readString(childErrors));
            }
            if (!line.equals("OPEN")) {
                printed.add(Integer.valueOf(line));
            }
        }
    }

    /** Reads complete lines only: a line the kill cut short carries no confirmation. */
    private static Thread startLineReader(InputStream input, BlockingQueue<String> lines) {
        Thread thread = new Thread(() -> {
            StringBuilder line = new StringBuilder();
            try (InputStream in = input) {
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\n') {
                        lines.add(line.toString().strip());
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                // the pipe broke with the kill: what was read so far is what counts
            } finally {
                lines.add(END);
            }
        }, "crash-child-stdout");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void drainIds(BlockingQueue<String> lines, Set<Integer> printed) {
        List<String> rest = new ArrayList<>();
        lines.drainTo(rest);
        rest.stream().filter(line -> !line.equals(END) && !line.equals("OPEN")).map(Integer::valueOf)
                .forEach(printed::add);
    }
}
