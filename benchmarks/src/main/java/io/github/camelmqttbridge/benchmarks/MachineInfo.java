package io.github.camelmqttbridge.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The facts a reader needs to judge the figures: cores, CPU, JDK, broker version, load, date. */
public final class MachineInfo {

    private MachineInfo() {
    }

    public static Map<String, String> collect() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        facts.put("cores (availableProcessors)", Integer.toString(Runtime.getRuntime().availableProcessors()));
        facts.put("CPU", cpuModel());
        facts.put("memory", memTotal());
        facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        facts.put("java -version", String.join(" / ",
                run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version"))));
        facts.put("JVM max heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        List<String> mosquitto = run(List.of("mosquitto", "-h"));
        facts.put("mosquitto -h (first line)", mosquitto.isEmpty() ? "(not found)" : mosquitto.get(0));
        facts.put("load average at start (1/5/15 min)", loadAverage());
        return facts;
    }

    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("(unknown)");
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> (Long.parseLong(l.replaceAll("\\D", "")) >> 10) + " MiB").findFirst().orElse("(unknown)");
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    /** Runs a short command and returns its non-blank output lines (stdout and stderr), or empty. */
    static List<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            process.waitFor(10, TimeUnit.SECONDS);
            return new String(output, StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
