package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs small shell scripts as child processes: {@code sh}, {@code sleep} and signals as on any Linux. */
class ChildProcessTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private ChildProcess run(String script) {
        return ChildProcess.start("the script", new ProcessBuilder("sh", "-c", script), directory.resolve("out.log"));
    }

    /** Runs {@code script} and returns once it printed "ready", so that its trap is set by then. */
    private ChildProcess runUntilReady(String script) {
        ChildProcess child = run(script + "; echo ready; exec sleep 60");
        child.awaitReady("print ready", PATIENCE, () -> child.tail(1).equals("ready"));
        return child;
    }

    @Test
    void awaitReadyFailsWithTheEndOfTheLogWhenTheProcessExitsFirst() {
        ChildProcess child = run("echo 'line 1: unknown option'; exit 3");

        assertThatThrownBy(() -> child.awaitReady("open its port", PATIENCE, () -> false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the script exited with code 3 while starting")
                .hasMessageContaining(directory.resolve("out.log").toString())
                .hasMessageContaining("line 1: unknown option");
    }

    @Test
    void awaitReadyKillsTheProcessWhenItIsNotReadyInTime() {
        ChildProcess child = run("echo waiting forever; exec sleep 60");

        assertThatThrownBy(() -> child.awaitReady("open its port", Duration.ofSeconds(1), () -> false,
                () -> "\nand more"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the script did not open its port within 1 s")
                .hasMessageContaining("waiting forever")
                .hasMessageEndingWith("and more");
        assertThat(child.isAlive()).isFalse();
    }

    @Test
    void stopEndsTheProcessWithSigterm() {
        ChildProcess child = runUntilReady("true");

        assertThat(child.stop(PATIENCE)).as("ended by SIGTERM").isTrue();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void stopFallsBackToSigkillWhenSigtermIsIgnored() {
        // an ignored signal stays ignored across exec
        ChildProcess child = runUntilReady("trap '' TERM");

        assertThat(child.stop(Duration.ofMillis(300))).as("ended by SIGTERM").isFalse();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void killEndsTheProcessWithSigkill() {
        ChildProcess child = runUntilReady("trap '' TERM");

        child.kill();

        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void eachLineIsLoggedAndHandedOverAsItComes() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Path log = directory.resolve("lines.log");
        ChildProcess child = ChildProcess.start("the script",
                new ProcessBuilder("sh", "-c", "echo one; echo two >&2; echo three"), log, seen::add);

        child.awaitReady("print three lines", PATIENCE, () -> seen.size() == 3);

        assertThat(seen).containsExactly("one", "two", "three");
        assertThat(child.awaitExit(PATIENCE)).isTrue();
        assertThat(Files.readAllLines(log)).containsExactly("---- the script, pid " + child.pid() + " ----",
                "one", "two", "three");
        assertThat(child.tail(2)).isEqualTo("two\nthree");
    }

    @Test
    void tailOfAMissingFileIsEmpty() {
        assertThat(ChildProcess.tail(directory.resolve("none.log"), 10)).isEmpty();
    }
}
