package io.github.camelmqttbridge.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Runs every {@link Scenario} found by {@link ServiceLoader} (or those selected with {@code --only}) against one
 * broker, prints progress, and writes the Markdown report. It knows no scenario by name.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar --quick
 * </pre>
 */
public final class BenchmarkMain {

    public static final String BUILD_COMMAND = "mvn -B -q -pl benchmarks -am package -DskipTests";

    /** Strong reference: JUL forgets loggers nobody holds, and with them their level. */
    private static final java.util.logging.Logger PAHO_LOG = java.util.logging.Logger.getLogger("org.eclipse.paho");

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        // Paho v5 logs every QoS 2 PUBREL at INFO through java.util.logging: that would slow Paho down unfairly.
        PAHO_LOG.setLevel(java.util.logging.Level.WARNING);
        if (java.util.Arrays.asList(args).contains("--help")) {
            System.out.println(Config.USAGE);
            return;
        }
        Config config;
        try {
            config = Config.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config, args));
    }

    static int run(Config parsed, String[] args) throws Exception {
        Progress progress = parsed.progress();
        Map<String, String> machine = MachineInfo.collect();
        List<Scenario> scenarios = new ArrayList<>();
        ServiceLoader.load(Scenario.class).forEach(s -> {
            if (parsed.selected(s.name())) {
                scenarios.add(s);
            }
        });
        if (scenarios.isEmpty()) {
            System.err.println("No scenario matches --only=" + parsed.only());
            return 2;
        }
        progress.say("Benchmarks, " + parsed.mode().name().toLowerCase(Locale.ROOT) + " mode: "
                + scenarios.stream().map(Scenario::name).collect(Collectors.joining(", ")));
        machine.forEach((k, v) -> progress.say("  " + k + ": " + v));

        BenchBroker broker = null;
        Config config = parsed;
        String brokerText;
        if (parsed.brokerUri() == null) {
            broker = BenchBroker.start(parsed.window());
            config = parsed.withBroker(broker.uri());
            brokerText = "Mosquitto started by the harness at " + broker.uri() + " (pid " + broker.pid()
                    + ") with this configuration: `" + String.join("`, `", broker.configLines()) + "`.";
        } else {
            brokerText = "External broker " + parsed.brokerUri() + " (its own limits apply: a stock Mosquitto 2.0 "
                    + "announces Receive Maximum 20 to MQTT 5 clients and drops beyond 1000 queued messages).";
        }
        progress.say("Broker: " + brokerText);

        List<MarkdownReport.Section> sections = new ArrayList<>();
        try {
            for (Scenario scenario : scenarios) {
                progress.say("\n=== " + scenario.title() + " [" + scenario.name() + "] ===");
                long start = System.nanoTime();
                Result result;
                try {
                    result = scenario.run(config);
                } catch (Exception | Error e) {
                    e.printStackTrace();
                    result = Result.failed("", e);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                sections.add(new MarkdownReport.Section(scenario, result, seconds));
                progress.say(String.format(Locale.ROOT, "=== %s: %s in %.0f s", scenario.name(),
                        result.status(), seconds));
                result.problems().forEach(p -> progress.say("  PROBLEM: " + p));
            }
        } finally {
            if (broker != null) {
                String log = broker.log();
                broker.close();
                if (!log.isBlank()) {
                    progress.say("Mosquitto logged warnings/errors:\n" + log);
                }
            }
        }

        machine.put("load average at end (1/5/15 min)", MachineInfo.loadAverage());
        String command = BUILD_COMMAND + " && java -jar benchmarks/target/benchmarks.jar "
                + String.join(" ", args);
        String settings = String.format(Locale.ROOT,
                "Settings: mode **%s**, N = %,d messages of %d bytes per run (bridge scenarios: %,d), R = %d measured runs per figure "
                        + "(median, min and max of those R), in-flight window %d for every client.%n%nBroker: %s",
                parsed.mode().name().toLowerCase(Locale.ROOT), config.messages(), config.payloadSize(), config.bridgeMessages(), config.repeats(),
                config.window(), brokerText);
        String markdown = MarkdownReport.render("camel-mqtt-bridge benchmarks (" + parsed.mode().name().toLowerCase(Locale.ROOT)
                + " mode)", machine, command, settings, sections,
                "_Figures as printed by the run, not edited. Full JVM command: `"
                        + ProcessHandle.current().info().commandLine().orElse("?") + "`._");
        Path out = outputPath(parsed);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        progress.say("\n" + markdown);
        progress.say("Report written to " + out.toAbsolutePath());
        return sections.stream().anyMatch(s -> s.result().status() == Result.Status.FAILED) ? 1 : 0;
    }

    private static Path outputPath(Config config) {
        if (config.out() != null) {
            return Path.of(config.out());
        }
        String name = "BENCHMARKS-" + config.mode().name().toLowerCase(Locale.ROOT) + ".md";
        Path target = Path.of("benchmarks", "target");
        return Files.isDirectory(target) ? target.resolve(name) : Path.of(name);
    }
}
