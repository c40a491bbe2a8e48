package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Aedes broker (Node.js, MQTT 3.1 and 3.1.1, in-memory persistence) run as a child process on a free 127.0.0.1
 * port by a small script ({@code aedes-broker.mjs}) with {@code authenticate} and {@code authorizeSubscribe} hooks:
 * users with passwords (a wrong one is answered with CONNACK return code 4) and topic prefixes whose SUBSCRIBE is
 * refused with the SUBACK failure code 0x80.
 * <p>
 * Aedes itself comes from npm: the first start installs pinned versions into the install directory (by default
 * {@code target/aedes} of the working directory) with {@code npm install}; later starts reuse them. Node.js 20 or
 * newer gets aedes {@value #AEDES_VERSION}, older Node.js the last 0.x release ({@value #AEDES_LEGACY_VERSION}).
 *
 * <pre>{@code
 * try (AedesBroker aedes = AedesBroker.builder().user("alice", "secret").denySubscribe("forbidden/").start()) {
 *     connect(aedes.tcpUrl());
 * }
 * }</pre>
 */
public final class AedesBroker implements AutoCloseable {

    static final String AEDES_VERSION = "1.2.0";
    static final String AEDES_PERSISTENCE_VERSION = "11.0.0";
    static final String AEDES_LEGACY_VERSION = "0.51.3";
    static final String AEDES_PERSISTENCE_LEGACY_VERSION = "9.1.2";
    static final String INSTALL_HINT = "install Node.js and npm, e.g. apt-get install -y --no-install-recommends "
            + "nodejs npm (.ci/run does)";
    private static final String SCRIPT = "aedes-broker.mjs";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    private final Path directory;
    private final int port;
    private final String version;
    private final ChildProcess process;

    private AedesBroker(Path directory, int port, String version, ChildProcess process) {
        this.directory = directory;
        this.port = port;
        this.version = version;
        this.process = process;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The installed aedes version, e.g. "1.2.0". */
    public String version() {
        return version;
    }

    public Path logFile() {
        return directory.resolve("aedes.log");
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops the broker (SIGTERM, SIGKILL after 10 s) and deletes its directory; the npm install is kept. */
    @Override
    public void close() {
        process.stop(STOP_TIMEOUT);
        TestDirectories.deleteRecursively(directory);
    }

    /** Collects users and refused prefixes; {@link #start()} installs Aedes if needed and runs it. */
    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<String> deniedPrefixes = new ArrayList<>();
        private Path installDirectory = Path.of("target", "aedes");

        private Builder() {
        }

        /** A user and password; with at least one, clients without valid credentials are refused. */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** A SUBSCRIBE whose topic filter starts with {@code prefix} gets the SUBACK failure code 0x80. */
        public Builder denySubscribe(String prefix) {
            deniedPrefixes.add(prefix);
            return this;
        }

        /** Where npm installs Aedes (kept between runs); {@code target/aedes} by default. */
        public Builder installDirectory(Path directory) {
            this.installDirectory = directory;
            return this;
        }

        /** Installs Aedes if needed, runs the script and returns once it accepts connections. */
        public AedesBroker start() {
            Path node = ExecutableLocator.find("node", Path.of("/usr/bin/node"))
                    .orElseThrow(() -> new IllegalStateException("'node' not found; " + INSTALL_HINT));
            Path install = installDirectory.toAbsolutePath().normalize();
            String version = install(node, install);
            Path script = install.resolve(SCRIPT);
            copyScript(script);
            int port = FreePorts.find();
            Path directory = TestDirectories.create("aedes-");
            Path config = writeConfig(directory, port);
            ChildProcess process = ChildProcess.start("Aedes", new ProcessBuilder(node.toString(), script.toString(),
                    config.toString()).directory(install.toFile()), directory.resolve("aedes.log"));
            try {
                process.awaitReady("accept connections on 127.0.0.1:" + port, STARTUP_TIMEOUT,
                        () -> PortProbe.accepts(port));
            } catch (RuntimeException e) {
                TestDirectories.deleteRecursively(directory);
                throw e;
            }
            return new AedesBroker(directory, port, version, process);
        }

        private Path writeConfig(Path directory, int port) {
            StringBuilder json = new StringBuilder("{\"port\": ").append(port);
            if (!users.isEmpty()) {
                json.append(", \"users\": {");
                json.append(String.join(", ", users.entrySet().stream()
                        .map(u -> json(u.getKey()) + ": " + json(u.getValue())).toList()));
                json.append('}');
            }
            json.append(", \"denySubscribe\": [")
                    .append(String.join(", ", deniedPrefixes.stream().map(Builder::json).toList())).append("]}");
            try {
                return Files.writeString(directory.resolve("config.json"), json, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the Aedes configuration into " + directory, e);
            }
        }

        private static String json(String value) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : value.toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }

        private static void copyScript(Path target) {
            try (InputStream in = AedesBroker.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is missing from the test-support jar");
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + target, e);
            }
        }

        /** Runs npm install unless the pinned aedes version is already there; returns the installed version. */
        private static String install(Path node, Path install) {
            boolean modern = nodeMajor(node) >= 20;
            String aedes = modern ? AEDES_VERSION : AEDES_LEGACY_VERSION;
            String persistence = modern ? AEDES_PERSISTENCE_VERSION : AEDES_PERSISTENCE_LEGACY_VERSION;
            Path packageJson = install.resolve("node_modules/aedes/package.json");
            if (aedes.equals(installedVersion(packageJson))) {
                return aedes;
            }
            Path npm = ExecutableLocator.find("npm", Path.of("/usr/bin/npm"))
                    .orElseThrow(() -> new IllegalStateException("'npm' not found; " + INSTALL_HINT));
            try {
                Files.createDirectories(install);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create " + install, e);
            }
            CommandRunner.of(npm.toString()).args("install", "--no-audit", "--no-fund", "--prefer-offline",
                    "--prefix", install.toString(), "aedes@" + aedes, "aedes-persistence@" + persistence)
                    .in(install).run(NPM_TIMEOUT);
            String installed = installedVersion(packageJson);
            if (!aedes.equals(installed)) {
                throw new IllegalStateException("npm install did not leave aedes " + aedes + " in " + install
                        + " (found " + installed + ")");
            }
            return installed;
        }

        private static String installedVersion(Path packageJson) {
            if (!Files.isRegularFile(packageJson)) {
                return null;
            }
            try {
                Matcher m = VERSION.matcher(Files.readString(packageJson, StandardCharsets.UTF_8));
                return m.find() ? m.group(1) : null;
            } catch (IOException e) {
                return null;
            }
        }

        private static int nodeMajor(Path node) {
            String version = CommandRunner.of(node.toString()).arg("--version").run(Duration.ofSeconds(30)).strip();
            Matcher m = Pattern.compile("v(\\d+)").matcher(version);
            if (!m.find()) {
                throw new IllegalStateException("Unexpected 'node --version' output: " + version);
            }
            return Integer.parseInt(m.group(1));
        }
    }
}
