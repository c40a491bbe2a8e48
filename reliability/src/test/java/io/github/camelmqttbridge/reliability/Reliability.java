package io.github.camelmqttbridge.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** The knobs of the fault suite (system properties, set by the module's pom or on the mvn command line). */
final class Reliability {

    private Reliability() {
    }

    /** Soak mode: -Dreliability.soak=true. Longer outages and 20,000 messages unless -Dreliability.messages says otherwise. */
    static boolean soak() {
        return Boolean.parseBoolean(System.getProperty("reliability.soak", "false"));
    }

    /** Messages per stream: -Dreliability.messages=N (default 3,000; 20,000 in soak mode). */
    static int messages() {
        String value = System.getProperty("reliability.messages");
        int configured = value == null || value.isBlank() ? 3000 : Integer.parseInt(value.trim());
        return soak() && (value == null || configured == 3000) ? 20_000 : configured;
    }

    /** Outage length: {@code normal} by default, {@code soak} with -Dreliability.soak=true. */
    static Duration outage(Duration normal, Duration soak) {
        return soak() ? soak : normal;
    }

    static Path routesDir() {
        return Path.of(System.getProperty("reliability.routes.dir", "../routes")).toAbsolutePath().normalize();
    }

    static Path runnerJar() {
        return Path.of(System.getProperty("reliability.runner.jar",
                "../examples/bridge/target/camel-mqtt-bridge-runner.jar")).toAbsolutePath().normalize();
    }

    /** Prints the summary line and appends it to target/reliability-results.txt. */
    static void report(String line) {
        System.out.println(line);
        String file = System.getProperty("reliability.results");
        if (file != null) {
            try {
                Files.writeString(Path.of(file), line + System.lineSeparator(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.out.println("(cannot append to " + file + ": " + e + ")");
            }
        }
    }
}
