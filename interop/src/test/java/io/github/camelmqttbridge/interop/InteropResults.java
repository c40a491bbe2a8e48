package io.github.camelmqttbridge.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes one line per scenario run with its outcome to {@code target/interop-results/<broker>.txt} (tab-separated:
 * outcome, broker, product, scenario, version, QoS, facts, notes, reason) and prints it as an {@code INTEROP} line.
 * The scenario names its row with {@link #begin} first thing; {@link InteropTable} turns the files into the table
 * of RELIABILITY.md.
 * <p>
 * Outcomes: PASS, FAIL, NA (the broker lacks what the scenario needs), SKIPPED (any other assumption that did not
 * hold, with its reason).
 */
final class InteropResults implements BeforeEachCallback, TestWatcher {

    static final String NOT_APPLICABLE = "n/a: ";
    private static final ThreadLocal<ResultRow> CURRENT = new ThreadLocal<>();

    /** Starts the row of the running scenario; the test thread calls it before anything can fail. */
    static ResultRow begin(InteropBroker broker, Scenario scenario, Object version, Object qos) {
        ResultRow row = new ResultRow(broker.id(), broker.product(), scenario, String.valueOf(version),
                qos == null ? "-" : String.valueOf(qos));
        CURRENT.set(row);
        return row;
    }

    static Path resultsDir() {
        return Path.of(System.getProperty("interop.results.dir", "target/interop-results"));
    }

    /** Empties the broker's result file at the start of its test class. */
    static void reset(String brokerId) {
        try {
            Files.createDirectories(resultsDir());
            Files.deleteIfExists(resultsDir().resolve(brokerId + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        CURRENT.remove();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        write("PASS", null);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        write("FAIL", cause);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        String message = cause == null ? "" : String.valueOf(cause.getMessage());
        write(message.contains(NOT_APPLICABLE) ? "NA" : "SKIPPED", cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // every scenario runs or is skipped by an assumption, which names its row first
    }

    private static void write(String outcome, Throwable cause) {
        ResultRow row = CURRENT.get();
        CURRENT.remove();
        if (row == null) {
            return; // failed before it named its row: the surefire report has it
        }
        String reason = cause == null ? "" : firstLine(cause);
        String line = String.join("\t", outcome, row.brokerId, clean(row.product), row.scenario.name(), row.version,
                row.qos, row.factsText(), clean(String.join(" ;; ", row.notes)), reason);
        String shown = row.factsText();
        System.out.println("INTEROP " + String.format("%-5s %-10s %-6s qos=%s %-22s %s", outcome, row.brokerId,
                row.version, row.qos, row.scenario.label, shown) + (reason.isEmpty() ? "" : " | " + reason));
        try {
            Files.createDirectories(resultsDir());
            Files.writeString(resultsDir().resolve(row.brokerId + ".txt"), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("(cannot write the interop results: " + e + ")");
        }
    }

    private static String firstLine(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String first = clean(message.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse(message));
        return first.length() > 300 ? first.substring(0, 300) + "..." : first;
    }

    private static String clean(String text) {
        return text.replaceAll("[\\t\\r\\n]+", " ");
    }
}
