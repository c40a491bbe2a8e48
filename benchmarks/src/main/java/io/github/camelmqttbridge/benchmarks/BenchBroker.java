package io.github.camelmqttbridge.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto the harness starts for itself on a free 127.0.0.1 port, with limits that do not distort the
 * figures: an in-flight window equal to the clients' ({@code max_inflight_messages}, which Mosquitto 2.0
 * also announces as Receive Maximum to MQTT 5 clients; its default 20 would cap every v5 publisher), no
 * queue limit for slow subscribers ({@code max_queued_messages 0}; the default 1000 drops messages),
 * no persistence, and only warnings and errors logged (per-message logging would slow the broker).
 */
public final class BenchBroker implements AutoCloseable {

    private final Process process;
    private final Path directory;
    private final int port;
    private final List<String> configLines;

    private BenchBroker(Process process, Path directory, int port, List<String> configLines) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.configLines = configLines;
    }

    public static BenchBroker start(int window) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("bench-mosquitto-");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> lines = List.of(
                "user " + System.getProperty("user.name"), // started as root it would switch to user mosquitto
                "persistence false",
                "log_dest file " + directory.resolve("mosquitto.log"),
                "log_type error",
                "log_type warning",
                "max_inflight_messages " + window,
                "max_queued_messages 0",
                "max_queued_bytes 0",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true");
        Path config = Files.write(directory.resolve("mosquitto.conf"), lines, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder("mosquitto", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("mosquitto.out").toFile()).start();
        BenchBroker broker = new BenchBroker(process, directory, port, lines);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-bench-mosquitto"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Mosquitto exited with " + process.exitValue() + ": "
                        + Files.readString(directory.resolve("mosquitto.out")));
            }
            if (accepts(port)) {
                return broker;
            }
            Thread.sleep(50);
        }
        broker.close();
        throw new IllegalStateException("Mosquitto did not listen on 127.0.0.1:" + port + " within 10 s");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public List<String> configLines() {
        return configLines;
    }

    /** What the broker logged (warnings and errors only); read it before {@link #close()}, which deletes it. */
    public String log() {
        try {
            Path log = directory.resolve("mosquitto.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
