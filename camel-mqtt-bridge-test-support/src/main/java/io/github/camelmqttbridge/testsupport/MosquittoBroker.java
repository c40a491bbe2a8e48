package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Mosquitto broker run as a child process on a free 127.0.0.1 port with a configuration generated into a
 * temporary directory. Kill, stop and restart it to test reconnects and persistent sessions.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("alice", "secret")).start()) {
 *     connect(broker.tcpUrl());
 * }
 * }</pre>
 */
public final class MosquittoBroker implements AutoCloseable {

    /** Which certificate the TLS listener presents. */
    public enum ServerCertificate {
        /** For localhost and 127.0.0.1, signed by the test CA: handshakes with host name checks succeed. */
        LOCALHOST,
        /** For {@value TestCertificates#WRONG_HOST_NAME}, signed by the test CA: host name checks fail. */
        WRONG_HOST,
        /** Self-signed for localhost: trust checks against the test CA fail. */
        UNTRUSTED_SELF_SIGNED
    }

    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_LINES_IN_ERRORS = 30;

    private final Path binary;
    private final Path directory;
    private final Path configFile;
    private final int port;
    private final int tlsPort;
    private final Thread killOnJvmExit;
    private volatile Process process;

    private MosquittoBroker(Path binary, Path directory, Path configFile, int port, int tlsPort) {
        this.binary = binary;
        this.directory = directory;
        this.configFile = configFile;
        this.port = port;
        this.tlsPort = tlsPort;
        // A broker left running after a crashed test JVM would hold its port and confuse later runs.
        this.killOnJvmExit = new Thread(this::kill, "mosquitto-killer-" + port);
        Runtime.getRuntime().addShutdownHook(killOnJvmExit);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Port of the plain MQTT listener. */
    public int port() {
        return port;
    }

    /** Port of the TLS listener; fails if the broker was built without {@link Builder#tls}. */
    public int tlsPort() {
        if (tlsPort == 0) {
            throw new IllegalStateException("This broker has no TLS listener; build it with tls(...)");
        }
        return tlsPort;
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Uses the host name localhost so that the server certificate's host name can be checked. */
    public String sslUrl() {
        return "ssl://localhost:" + tlsPort();
    }

    public Path directory() {
        return directory;
    }

    public Path logFile() {
        return directory.resolve("mosquitto.log");
    }

    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Kills the broker with SIGKILL: no will messages sent, nothing persisted since the last autosave. */
    public void kill() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
            awaitExit(current);
        }
    }

    /** Stops the broker with SIGTERM, which lets it save its persistence file; falls back to SIGKILL after 10 s. */
    public void stop() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroy();
            if (!awaitExit(current)) {
                current.destroyForcibly();
                awaitExit(current);
            }
        }
    }

    /** Stops the broker if it runs, then starts it again on the same ports with the same persistence directory. */
    public void restart() {
        stop();
        launch();
    }

    /** The last {@code lines} lines of the broker's log file, or an empty string if there is none yet. */
    public String logTail(int lines) {
        return tail(logFile(), lines);
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnJvmExit);
        } catch (IllegalStateException jvmAlreadyShuttingDown) {
            // nothing to remove then
        }
        deleteRecursively(directory);
    }

    private void launch() {
        if (PortProbe.accepts(port) || (tlsPort != 0 && PortProbe.accepts(tlsPort))) {
            throw new IllegalStateException("Cannot start Mosquitto: another process already listens on 127.0.0.1:"
                    + port + (tlsPort != 0 ? " or " + tlsPort : ""));
        }
        try {
            process = new ProcessBuilder(binary.toString(), "-c", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("mosquitto.out").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + binary + " -c " + configFile, e);
        }
        awaitListening();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw startupFailure("Mosquitto exited with code " + process.exitValue() + " while starting");
            }
            if (PortProbe.accepts(port) && (tlsPort == 0 || PortProbe.accepts(tlsPort))) {
                return;
            }
            sleep(50);
        }
        kill();
        throw startupFailure("Mosquitto did not accept connections on 127.0.0.1:" + port
                + (tlsPort != 0 ? " and " + tlsPort : "") + " within " + STARTUP_TIMEOUT.toSeconds() + " s");
    }

    private IllegalStateException startupFailure(String what) {
        return new IllegalStateException(what + ".\n--- " + configFile + " ---\n" + tail(configFile, 100)
                + "\n--- mosquitto output ---\n"
                + tail(directory.resolve("mosquitto.out"), LOG_LINES_IN_ERRORS)
                + "\n--- last lines of " + logFile() + " ---\n" + logTail(LOG_LINES_IN_ERRORS));
    }

    private static boolean awaitExit(Process process) {
        try {
            return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Mosquitto to start", e);
        }
    }

    /** Reads only the end of the file: with log_type all a long test's log can be large. */
    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int size = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[size];
            in.seek(length - size);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    /** What the builder collected; read by {@link MosquittoConfigWriter}. */
    record Settings(boolean persistence, Map<String, String> users, String aclText, TestCertificates tlsCertificates,
            boolean requireClientCertificate, ServerCertificate serverCertificate, String extraConfig) {
    }

    /** Collects the broker's options; {@link #start()} writes the configuration and runs Mosquitto. */
    public static final class Builder {
        private boolean persistence;
        private Map<String, String> users;
        private String aclText;
        private TestCertificates tlsCertificates;
        private boolean requireClientCertificate;
        private ServerCertificate serverCertificate = ServerCertificate.LOCALHOST;
        private String extraConfig;
        private int port;

        private Builder() {
        }

        /** Keeps sessions and retained messages in the broker's directory across {@link #restart()}. */
        public Builder persistence(boolean persistence) {
            this.persistence = persistence;
            return this;
        }

        /** Users and passwords allowed to connect; anonymous clients are then refused. */
        public Builder passwordFile(Map<String, String> users) {
            this.users = new LinkedHashMap<>(users);
            return this;
        }

        /** Contents of a Mosquitto ACL file ({@code user alice}, {@code topic readwrite a/#}, ...). */
        public Builder aclFile(String aclText) {
            this.aclText = aclText;
            return this;
        }

        /** Adds a TLS listener on a second free port presenting the localhost server certificate. */
        public Builder tls(TestCertificates certs, boolean requireClientCert) {
            return tls(certs, requireClientCert, ServerCertificate.LOCALHOST);
        }

        /** Adds a TLS listener presenting the chosen certificate, to test failing handshakes. */
        public Builder tls(TestCertificates certs, boolean requireClientCert, ServerCertificate presented) {
            this.tlsCertificates = certs;
            this.requireClientCertificate = requireClientCert;
            this.serverCertificate = presented;
            return this;
        }

        /**
         * Lines added right after the plain listener, so that listener options (e.g. {@code max_connections})
         * apply to it and global ones (e.g. {@code max_keepalive}) to the whole broker.
         */
        public Builder extraConfig(String lines) {
            this.extraConfig = lines;
            return this;
        }

        /** Port of the plain listener; a free one by default. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Writes the configuration, runs Mosquitto and returns once it accepts connections (at most 10 s). */
        public MosquittoBroker start() {
            Path binary = ExecutableLocator.require("mosquitto", Path.of("/usr/sbin/mosquitto"));
            int plainPort = port != 0 ? port : FreePorts.find();
            int securePort = tlsCertificates == null ? 0 : otherFreePort(plainPort);
            Path directory = createDirectory();
            Settings settings = new Settings(persistence, users, aclText, tlsCertificates, requireClientCertificate,
                    serverCertificate, extraConfig);
            Path config = new MosquittoConfigWriter(directory).write(settings, plainPort, securePort);
            MosquittoBroker broker = new MosquittoBroker(binary, directory, config, plainPort, securePort);
            try {
                broker.launch();
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        private static int otherFreePort(int taken) {
            int candidate = FreePorts.find();
            while (candidate == taken) {
                candidate = FreePorts.find();
            }
            return candidate;
        }

        private static Path createDirectory() {
            try {
                return Files.createTempDirectory("mosquitto-");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create a directory for Mosquitto", e);
            }
        }
    }
}
