package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's {@code tinyproxy} (an HTTP proxy that tunnels with CONNECT) run in the foreground on a free
 * 127.0.0.1 port with a generated configuration, optionally demanding Basic credentials; stopped by its pid.
 * Its log (level Connect) names every tunnel it opened: {@link #tunnelsTo(int)} counts them.
 *
 * <pre>{@code
 * try (TinyProxy proxy = TinyProxy.start("alice", "secret")) {
 *     connectThrough("127.0.0.1", proxy.port());
 * }
 * }</pre>
 */
public final class TinyProxy implements AutoCloseable {

    static final String INSTALL_HINT = "install it with: apt-get install -y tinyproxy";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

    private final Path directory;
    private final int port;
    private final ChildProcess process;

    private TinyProxy(Path directory, int port, ChildProcess process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
    }

    /** Without credentials: any local client may open tunnels. */
    public static TinyProxy start() {
        return start(null, null);
    }

    /** Demanding {@code Proxy-Authorization: Basic} with this user and password (407 otherwise). */
    public static TinyProxy start(String user, String password) {
        Path binary = ExecutableLocator.find("tinyproxy", Path.of("/usr/bin/tinyproxy")).orElseThrow(
                () -> new IllegalStateException("'tinyproxy' not found at /usr/bin/tinyproxy nor on PATH; " + INSTALL_HINT));
        Path directory = TestDirectories.create("tinyproxy-");
        int port = FreePorts.find();
        List<String> conf = new ArrayList<>(List.of(
                "Port " + port,
                "Listen 127.0.0.1",
                "Timeout 600",
                "Allow 127.0.0.1",
                "MaxClients 100",
                "LogLevel Connect",
                "DisableViaHeader Yes"));
        // No ConnectPort line: CONNECT to any port is allowed (the default file allows only 443 and 563).
        if (user != null) {
            conf.add("BasicAuth " + user + " " + password);
        }
        Path file = directory.resolve("tinyproxy.conf");
        try {
            Files.write(file, conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
        ChildProcess process = ChildProcess.start("tinyproxy",
                new ProcessBuilder(binary.toString(), "-d", "-c", file.toString()), directory.resolve("tinyproxy.log"));
        process.awaitReady("accept connections on 127.0.0.1:" + port, STARTUP_TIMEOUT, () -> PortProbe.accepts(port),
                () -> "\n--- " + file + " ---\n" + ChildProcess.tail(file, 50));
        return new TinyProxy(directory, port, process);
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** How many CONNECT tunnels to {@code targetPort} the proxy established so far (from its log). */
    public long tunnelsTo(int targetPort) {
        return log().lines().filter(l -> l.contains("Request") && l.contains("CONNECT ") && l.contains(":" + targetPort + " "))
                .count();
    }

    public String log() {
        return ChildProcess.tail(process.logFile(), 2000);
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
        TestDirectories.deleteRecursively(directory);
    }
}
