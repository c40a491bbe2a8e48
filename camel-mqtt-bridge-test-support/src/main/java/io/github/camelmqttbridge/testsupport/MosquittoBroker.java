package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    private final int webSocketPort;
    private final int secureWebSocketPort;
    private volatile ChildProcess process;

    private MosquittoBroker(Path binary, Path directory, Path configFile, int port, int tlsPort, int webSocketPort,
            int secureWebSocketPort) {
        this.binary = binary;
        this.directory = directory;
        this.configFile = configFile;
        this.port = port;
        this.tlsPort = tlsPort;
        this.webSocketPort = webSocketPort;
        this.secureWebSocketPort = secureWebSocketPort;
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

    /** Port of the MQTT-over-WebSocket listener; fails if the broker was built without {@link Builder#webSockets}. */
    public int webSocketPort() {
        if (webSocketPort == 0) {
            throw new IllegalStateException("This broker has no WebSocket listener; build it with webSockets()");
        }
        return webSocketPort;
    }

    /** Port of the WebSocket listener over TLS; needs both {@link Builder#webSockets} and {@link Builder#tls}. */
    public int secureWebSocketPort() {
        if (secureWebSocketPort == 0) {
            throw new IllegalStateException("This broker has no WebSocket TLS listener; build it with webSockets() and tls(...)");
        }
        return secureWebSocketPort;
    }

    /** {@code ws://127.0.0.1:<port>/mqtt} (Mosquitto accepts any path). */
    public String wsUrl() {
        return "ws://127.0.0.1:" + webSocketPort() + "/mqtt";
    }

    /** {@code wss://localhost:<port>/mqtt}: the host name the server certificate is issued for. */
    public String wssUrl() {
        return "wss://localhost:" + secureWebSocketPort() + "/mqtt";
    }

    /** Sends SIGHUP: Mosquitto reloads its configuration, password and ACL files; connected clients stay. */
    public void reload() {
        ChildProcess current = process;
        if (current == null || !current.isAlive()) {
            throw new IllegalStateException("Mosquitto is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(current.pid())).inheritIO().start();
            if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -HUP " + current.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not send SIGHUP to Mosquitto", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while sending SIGHUP to Mosquitto", e);
        }
    }

    /** Rewrites the password file with exactly these users (the old ones are gone); {@link #reload()} applies it. */
    public void rewritePasswordFile(Map<String, String> users) {
        if (!Files.exists(directory.resolve("passwords"))) {
            throw new IllegalStateException("This broker has no password file; build it with passwordFile(...)");
        }
        MosquittoConfigWriter.writePasswordFile(directory, users);
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
        ChildProcess current = process;
        return current != null && current.isAlive();
    }

    /** Kills the broker with SIGKILL: no will messages sent, nothing persisted since the last autosave. */
    public void kill() {
        ChildProcess current = process;
        if (current != null) {
            current.kill();
        }
    }

    /** Stops the broker with SIGTERM, which lets it save its persistence file; falls back to SIGKILL after 10 s. */
    public void stop() {
        ChildProcess current = process;
        if (current != null) {
            current.stop(STOP_TIMEOUT);
        }
    }

    /** Stops the broker if it runs, then starts it again on the same ports with the same persistence directory. */
    public void restart() {
        stop();
        launch();
    }

    /** The last {@code lines} lines of the broker's log file, or an empty string if there is none yet. */
    public String logTail(int lines) {
        return ChildProcess.tail(logFile(), lines);
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public void close() {
        stop();
        TestDirectories.deleteRecursively(directory);
    }

    private void launch() {
        java.util.List<Integer> ports = java.util.stream.IntStream.of(port, tlsPort, webSocketPort, secureWebSocketPort)
                .filter(p -> p != 0).boxed().toList();
        if (ports.stream().anyMatch(PortProbe::accepts)) {
            throw new IllegalStateException("Cannot start Mosquitto: another process already listens on 127.0.0.1:"
                    + ports);
        }
        process = ChildProcess.start("Mosquitto", new ProcessBuilder(binary.toString(), "-c", configFile.toString()),
                directory.resolve("mosquitto.out"));
        process.awaitReady("accept connections on 127.0.0.1:" + ports, STARTUP_TIMEOUT,
                () -> ports.stream().allMatch(PortProbe::accepts), this::configAndLogTail);
    }

    /** Mosquitto reports most start problems in its log file, and they are mostly caused by the configuration. */
    private String configAndLogTail() {
        return "\n--- " + configFile + " ---\n" + ChildProcess.tail(configFile, 100)
                + "\n--- last lines of " + logFile() + " ---\n" + logTail(LOG_LINES_IN_ERRORS);
    }

    /** What the builder collected; read by {@link MosquittoConfigWriter}. */
    record Settings(boolean persistence, Map<String, String> users, String aclText, TestCertificates tlsCertificates,
            boolean requireClientCertificate, ServerCertificate serverCertificate, String extraConfig,
            Map<String, String> dynamicSecurityUsers, List<String> deniedSubscribePatterns) {
    }

    /** The ports of the listeners; 0 for a listener the broker does not have. */
    record Ports(int plain, int tls, int webSocket, int secureWebSocket) {
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
        private boolean webSockets;
        private Map<String, String> dynamicSecurityUsers;
        private List<String> deniedSubscribePatterns = List.of();

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

        /**
         * Users and passwords checked by Mosquitto's dynamic security plugin, which, unlike an ACL file, refuses a
         * SUBSCRIBE: the users may publish and subscribe to everything except filters matching
         * {@code deniedSubscribePatterns} (e.g. {@code forbidden/#}), which get the SUBACK failure code 0x80
         * (MQTT 3.1.1) or 0x87 "not authorized" (MQTT 5). Anonymous clients are refused. Not together with
         * {@link #passwordFile}.
         */
        public Builder dynamicSecurity(Map<String, String> users, List<String> deniedSubscribePatterns) {
            this.dynamicSecurityUsers = new LinkedHashMap<>(users);
            this.deniedSubscribePatterns = List.copyOf(deniedSubscribePatterns);
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

        /**
         * Adds a {@code protocol websockets} listener on a free port (MQTT over WebSocket), and with {@link #tls}
         * a second one over TLS presenting the same certificate.
         */
        public Builder webSockets() {
            this.webSockets = true;
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
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            int plainPort = port != 0 ? port : FreePorts.find();
            taken.add(plainPort);
            int securePort = tlsCertificates == null ? 0 : otherFreePort(taken);
            int wsPort = webSockets ? otherFreePort(taken) : 0;
            int wssPort = webSockets && tlsCertificates != null ? otherFreePort(taken) : 0;
            Path directory = createDirectory();
            if (users != null && dynamicSecurityUsers != null) {
                throw new IllegalStateException("Use either passwordFile(...) or dynamicSecurity(...), not both");
            }
            Settings settings = new Settings(persistence, users, aclText, tlsCertificates, requireClientCertificate,
                    serverCertificate, extraConfig, dynamicSecurityUsers, deniedSubscribePatterns);
            Path config = new MosquittoConfigWriter(directory).write(settings,
                    new Ports(plainPort, securePort, wsPort, wssPort));
            MosquittoBroker broker = new MosquittoBroker(binary, directory, config, plainPort, securePort, wsPort, wssPort);
            try {
                broker.launch();
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        }

        private static int otherFreePort(java.util.Set<Integer> taken) {
            int candidate = FreePorts.find();
            while (taken.contains(candidate)) {
                candidate = FreePorts.find();
            }
            taken.add(candidate);
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
