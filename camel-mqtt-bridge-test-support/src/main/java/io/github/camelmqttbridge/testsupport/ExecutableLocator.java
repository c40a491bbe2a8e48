package io.github.camelmqttbridge.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the Mosquitto executables: Debian puts the broker in /usr/sbin, which is not always on PATH. */
final class ExecutableLocator {

    static final String INSTALL_HINT =
            "install it with: apt-get install -y --no-install-recommends mosquitto mosquitto-clients";

    private ExecutableLocator() {
    }

    static Path require(String name, Path preferred) {
        return find(name, preferred).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' not found at " + preferred + " nor on PATH; " + INSTALL_HINT));
    }

    static Optional<Path> find(String name, Path preferred) {
        if (Files.isExecutable(preferred)) {
            return Optional.of(preferred);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
