package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command-line tool (rabbitmqctl, npm, node --version) to its end and returns its output. Failures
 * name the command (with the arguments marked secret replaced by {@code ***}), its exit code and its output.
 */
final class CommandRunner {

    private final List<String> command = new ArrayList<>();
    private final List<String> shown = new ArrayList<>();
    private Path directory;

    private CommandRunner() {
    }

    static CommandRunner of(String executable) {
        return new CommandRunner().arg(executable);
    }

    CommandRunner arg(String argument) {
        command.add(argument);
        shown.add(argument);
        return this;
    }

    CommandRunner args(String... arguments) {
        for (String a : arguments) {
            arg(a);
        }
        return this;
    }

    /** An argument that must not appear in error messages (a password). */
    CommandRunner secret(String argument) {
        return secret(argument, "***");
    }

    /** An argument that contains a secret, shown as {@code shownAs} in error messages. */
    CommandRunner secret(String argument, String shownAs) {
        command.add(argument);
        shown.add(shownAs);
        return this;
    }

    CommandRunner in(Path workingDirectory) {
        this.directory = workingDirectory;
        return this;
    }

    String describe() {
        return String.join(" ", shown);
    }

    /** Runs the command; returns its output (stdout and stderr) if it exits with 0 within {@code timeout}. */
    String run(Duration timeout) {
        Result result = tryRun(timeout);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("'" + describe() + "' failed (exit " + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    /** The exit code (-1 if it did not end within {@code timeout} and was killed) and output of the command. */
    Result tryRun(Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run '" + describe() + "'", e);
        }
        // read concurrently: a tool that writes more than a pipe buffer would otherwise never end
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "(no end within " + timeout.toSeconds() + " s, killed) "
                        + output.getNow(""));
            }
            return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running '" + describe() + "'", e);
        } catch (Exception e) {
            return new Result(process.exitValue(), "(output unreadable: " + e + ")");
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    record Result(int exitCode, String output) {
    }
}
