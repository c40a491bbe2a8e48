package io.github.camelmqttbridge.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The first line a command prints, e.g. a broker's version; "?" if it cannot be run. */
final class Commands {

    private Commands() {
    }

    /** {@code preferred} if it is there (Debian puts brokers in /usr/sbin, not always on PATH), else {@code name}. */
    static String executable(String name, String preferred) {
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of(preferred)) ? preferred : name;
    }

    static String firstLine(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(10, TimeUnit.SECONDS);
            return output.lines().filter(l -> !l.isBlank()).findFirst().orElse("?").strip();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
