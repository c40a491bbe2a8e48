package io.github.camelmqttbridge.kafka.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.github.camelmqttbridge.testsupport.ChildProcess;
import io.github.camelmqttbridge.testsupport.FreePorts;
import io.github.camelmqttbridge.testsupport.PortProbe;

/**
 * A real single-node KRaft Kafka (combined broker + controller) as a <em>child JVM</em>, so that a test can stop
 * ({@link #stop()}, SIGTERM), kill ({@link #kill()}, SIGKILL) and start it again ({@link #start()}) on the same
 * ports and data directory. Unlike {@link EmbeddedKafka} it survives nothing of the test JVM's state and costs
 * one extra JVM (~300 MB with the default {@code -Xmx384m}).
 * <p>
 * The child runs {@code kafka.tools.StorageTool format -t <uuid> -c server.properties} once, then
 * {@code kafka.Kafka server.properties}, with this JVM's class path (it must hold {@code kafka_2.13}; this
 * module depends on it). Output goes to {@code kafka.out} in the data directory.
 *
 * <pre>{@code
 * try (KafkaProcess kafka = KafkaProcess.create().start()) {
 *     produceTo(kafka.bootstrapServers());
 *     kafka.stop();   // SIGTERM: controlled shutdown, ~3 s
 *     kafka.start();  // same port, same data
 * }
 * }</pre>
 */
public final class KafkaProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final Path config;
    private final int port;
    private final int controllerPort;
    private final String heap;
    private volatile ChildProcess process;
    private boolean formatted;

    private KafkaProcess(Path directory, int port, int controllerPort, String heap) {
        this.directory = directory;
        this.port = port;
        this.controllerPort = controllerPort;
        this.heap = heap;
        this.config = directory.resolve("server.properties");
    }

    /** A node on two free ports of 127.0.0.1 with its data in a new temporary directory; not started yet. */
    public static KafkaProcess create() {
        return create("384m");
    }

    /** As {@link #create()}, with the child's maximum heap, e.g. {@code "512m"}. */
    public static KafkaProcess create(String maxHeap) {
        try {
            Path directory = Files.createTempDirectory("kafka-process-");
            int port = FreePorts.find();
            int controller = FreePorts.find();
            while (controller == port) {
                controller = FreePorts.find();
            }
            KafkaProcess kafka = new KafkaProcess(directory, port, controller, maxHeap);
            kafka.writeConfig();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a Kafka directory", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    public Path logFile() {
        return directory.resolve("kafka.out");
    }

    public boolean isRunning() {
        ChildProcess p = process;
        return p != null && p.isAlive();
    }

    /** The child's process id, or -1 when it does not run. */
    public long pid() {
        ChildProcess p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /**
     * Formats the storage on the first call, starts the node and returns when its broker port accepts connections
     * and answers metadata requests. Calling it again after {@link #stop()} or {@link #kill()} restarts it on the
     * same ports and data.
     */
    public synchronized KafkaProcess start() {
        if (isRunning()) {
            return this;
        }
        if (!formatted) {
            int code = runToEnd(List.of("kafka.tools.StorageTool", "format", "-t", randomClusterId(),
                    "-c", config.toString(), "--ignore-formatted"));
            if (code != 0) {
                throw new IllegalStateException("Kafka StorageTool format exited with " + code + "\n" + tail(40));
            }
            formatted = true;
        }
        process = ChildProcess.start("Kafka", new ProcessBuilder(command(List.of("kafka.Kafka", config.toString()))),
                logFile());
        process.awaitReady("get ready on " + bootstrapServers(), START_TIMEOUT,
                () -> PortProbe.accepts(port) && KafkaReadiness.brokerReady(bootstrapServers()));
        return this;
    }

    /** SIGTERM: Kafka's controlled shutdown; SIGKILL if it did not end within 30 s. */
    public synchronized void stop() {
        ChildProcess p = process;
        if (p != null) {
            p.stop(STOP_TIMEOUT);
        }
        awaitPortFree();
    }

    /** SIGKILL: no controlled shutdown, the log is recovered on the next start. */
    public void kill() {
        ChildProcess p = process;
        if (p != null) {
            p.kill();
        }
    }

    /** The last lines of the child's output, for failure messages. */
    public String tail(int lines) {
        return ChildProcess.tail(logFile(), lines);
    }

    /** Stops the child and deletes its data. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory
        }
    }

    private void writeConfig() throws IOException {
        String text = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "log.cleaner.enable=false",
                "");
        Files.writeString(config, text, StandardCharsets.UTF_8);
        // Kafka 4 logs through log4j2: WARN and above to the child's stdout (kafka.out)
        Files.writeString(directory.resolve("log4j2.properties"), String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.out.ref=OUT",
                "appender.out.type=Console",
                "appender.out.name=OUT",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "logger.started.name=kafka.server.KafkaRaftServer",
                "logger.started.level=INFO",
                ""), StandardCharsets.UTF_8);
    }

    private List<String> command(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-Xms64m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + directory.resolve("log4j2.properties"));
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    /** Surefire puts the full test class path in {@code surefire.test.class.path}; otherwise this JVM's. */
    static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    /** Runs a Kafka tool to its end; its exit code, or -1 if it did not end within 60 s (then it is killed). */
    private int runToEnd(List<String> mainAndArgs) {
        ChildProcess tool = ChildProcess.start("Kafka " + mainAndArgs.get(0),
                new ProcessBuilder(command(mainAndArgs)), logFile());
        if (!tool.awaitExit(START_TIMEOUT)) {
            tool.kill();
            return -1;
        }
        return tool.exitCode();
    }

    private void awaitPortFree() {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && PortProbe.accepts(port)) {
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A Kafka cluster id: 16 random bytes, URL-safe Base64 without padding (22 characters). Never one starting with
     * '-': StorageTool's argument parser would take it for an option ("--cluster-id expected one argument").
     */
    static String randomClusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
            buffer.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}
