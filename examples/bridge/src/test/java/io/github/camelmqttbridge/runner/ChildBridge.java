package io.github.camelmqttbridge.runner;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

import io.github.camelmqttbridge.testsupport.ChildProcess;

/**
 * The runner as a child JVM, the way a user starts it: {@code java -cp target/classes:target/lib/* BridgeMain}
 * (target/lib is filled before the tests run; target/test-classes is appended for test route helpers), with its
 * own environment, output in a file, and the working folder as its home folder ({@code user.home}).
 */
final class ChildBridge implements AutoCloseable {

    final ChildProcess process;
    final Path output;

    private ChildBridge(ChildProcess process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ChildBridge start(Path workDir, Map<String, String> env, String... args) {
        Path classes;
        try {
            classes = Path.of(BridgeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Path lib = classes.getParent().resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " missing: run the build through process-classes");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                // the default folders (bridge.data.dir = ~/.camel-mqtt-bridge) under the test's folder, never the
                // real home
                "-Duser.home=" + workDir.toAbsolutePath(),
                // the runner's console logging, not the tests' log4j2-test.xml
                "-Dlog4j2.configurationFile=" + classes.resolve("log4j2.xml"),
                // test-classes last: only for test helpers such as SlowStep
                "-cp", classes + File.pathSeparator + lib + File.separator + "*" + File.pathSeparator
                        + classes.getParent().resolve("test-classes"),
                BridgeMain.class.getName()));
        command.addAll(List.of(args));
        Path output = workDir.resolve("bridge-" + UUID.randomUUID() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        return new ChildBridge(ChildProcess.start("the bridge runner", builder, output), output);
    }

    /** Returns once the runner printed "ready in"; fails with the end of its output if it exits first. */
    void awaitReady() {
        process.awaitReady("print \"ready in\"", Duration.ofSeconds(90), () -> output().contains("ready in"));
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager sends it; returns the exit code. */
    int terminate(Duration timeout) {
        if (!process.stop(timeout)) {
            throw new AssertionError("the bridge did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM (now killed):\n" + output());
        }
        return process.exitCode();
    }

    @Override
    public void close() {
        process.kill();
    }

    static boolean mosquittoUp() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 1883), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void publish(String url, String topic, List<String> payloads) throws Exception {
        MqttClient client = new MqttClient(url, "pub-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        for (String payload : payloads) {
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            client.publish(topic, message);
        }
        client.disconnect();
        client.close();
    }
}
