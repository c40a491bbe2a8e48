package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A nats-server (2.9 or newer) run as a child process with its MQTT listener (MQTT 3.1.1, QoS 0 and 1; sessions
 * and QoS 1 messages kept in JetStream) on free 127.0.0.1 ports, with a configuration generated into a temporary
 * directory. Users may be given subscribe permissions with denied subjects: a SUBSCRIBE to a matching MQTT filter
 * ({@code forbidden/#} is the subject {@code forbidden.>}) is answered with the SUBACK failure code 0x80.
 *
 * <pre>{@code
 * try (NatsServer nats = NatsServer.builder().user("alice", "secret", "forbidden.>").start()) {
 *     connect(nats.mqttUrl());
 * }
 * }</pre>
 */
public final class NatsServer implements AutoCloseable {

    static final String INSTALL_HINT = "install it with: apt-get install -y --no-install-recommends nats-server";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path binary;
    private final Path directory;
    private final Path configFile;
    private final int clientPort;
    private final int mqttPort;
    private volatile ChildProcess process;

    private NatsServer(Path binary, Path directory, Path configFile, int clientPort, int mqttPort) {
        this.binary = binary;
        this.directory = directory;
        this.configFile = configFile;
        this.clientPort = clientPort;
        this.mqttPort = mqttPort;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int mqttPort() {
        return mqttPort;
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    /** Port of the NATS protocol listener. */
    public int clientPort() {
        return clientPort;
    }

    public Path logFile() {
        return directory.resolve("nats-server.log");
    }

    /** The server's version line, e.g. "nats-server: v2.9.10". */
    public String version() {
        return CommandRunner.of(binary.toString()).arg("--version").run(Duration.ofSeconds(20)).strip();
    }

    public boolean isRunning() {
        ChildProcess current = process;
        return current != null && current.isAlive();
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    public void stop() {
        ChildProcess current = process;
        if (current != null) {
            current.stop(STOP_TIMEOUT);
        }
    }

    /** Stops the server and deletes its directory (configuration and JetStream store). */
    @Override
    public void close() {
        stop();
        TestDirectories.deleteRecursively(directory);
    }

    private void launch() {
        if (PortProbe.accepts(mqttPort) || PortProbe.accepts(clientPort)) {
            throw new IllegalStateException("Cannot start nats-server: another process already listens on 127.0.0.1:"
                    + clientPort + " or " + mqttPort);
        }
        process = ChildProcess.start("nats-server", new ProcessBuilder(binary.toString(), "-c", configFile.toString()),
                logFile());
        process.awaitReady("accept MQTT connections on 127.0.0.1:" + mqttPort, STARTUP_TIMEOUT,
                () -> PortProbe.accepts(mqttPort),
                () -> "\n--- " + configFile + " ---\n" + ChildProcess.tail(configFile, 100));
    }

    /** Collects users and their permissions; {@link #start()} writes the configuration and runs the server. */
    public static final class Builder {
        private final Map<String, String> passwords = new LinkedHashMap<>();
        private final Map<String, List<String>> deniedSubscriptions = new LinkedHashMap<>();
        private Duration mqttAckWait;

        private Builder() {
        }

        /**
         * A user who may publish and subscribe to everything except the NATS subjects {@code deniedSubscribe}
         * (e.g. {@code forbidden.>}). With at least one user, clients without valid credentials are refused.
         */
        public Builder user(String name, String password, String... deniedSubscribe) {
            passwords.put(name, password);
            deniedSubscriptions.put(name, List.of(deniedSubscribe));
            return this;
        }

        /**
         * How long the MQTT listener waits for a PUBACK before it sends a QoS 1 message again (its {@code ack_wait},
         * 30 s by default). It also re-sends the messages a resumed session left unacknowledged only then.
         */
        public Builder mqttAckWait(Duration ackWait) {
            this.mqttAckWait = ackWait;
            return this;
        }

        /** Writes the configuration, runs nats-server and returns once its MQTT listener accepts connections. */
        public NatsServer start() {
            Path binary = ExecutableLocator.find("nats-server", Path.of("/usr/sbin/nats-server"))
                    .orElseThrow(() -> new IllegalStateException("'nats-server' not found; " + INSTALL_HINT));
            int clientPort = FreePorts.find();
            int mqttPort = FreePorts.find();
            while (mqttPort == clientPort) {
                mqttPort = FreePorts.find();
            }
            try {
                Path directory = Files.createTempDirectory("nats-");
                Path config = Files.writeString(directory.resolve("nats.conf"),
                        config(directory, clientPort, mqttPort), StandardCharsets.UTF_8);
                NatsServer server = new NatsServer(binary, directory, config, clientPort, mqttPort);
                try {
                    server.launch();
                    return server;
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the nats-server configuration", e);
            }
        }

        private String config(Path directory, int clientPort, int mqttPort) {
            List<String> lines = new ArrayList<>();
            lines.add("listen: 127.0.0.1:" + clientPort);
            // JetStream needs a server name; MQTT needs JetStream (sessions, QoS 1 messages, retained messages)
            lines.add("server_name: test-" + mqttPort);
            lines.add("jetstream { store_dir: " + quoted(directory.resolve("jetstream").toString()) + " }");
            if (!passwords.isEmpty()) {
                lines.add("authorization {");
                lines.add("  users = [");
                passwords.forEach((name, password) -> {
                    StringBuilder user = new StringBuilder("    { user: " + quoted(name) + ", password: "
                            + quoted(password));
                    List<String> denied = deniedSubscriptions.get(name);
                    if (!denied.isEmpty()) {
                        user.append(", permissions: { subscribe: { allow: [\">\"], deny: [");
                        user.append(String.join(", ", denied.stream().map(Builder::quoted).toList()));
                        user.append("] } }");
                    }
                    lines.add(user.append(" }").toString());
                });
                lines.add("  ]");
                lines.add("}");
            }
            lines.add("mqtt { host: 127.0.0.1, port: " + mqttPort
                    + (mqttAckWait == null ? "" : ", ack_wait: \"" + mqttAckWait.toMillis() + "ms\"") + " }");
            return String.join("\n", lines) + "\n";
        }

        private static String quoted(String value) {
            return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }
}
