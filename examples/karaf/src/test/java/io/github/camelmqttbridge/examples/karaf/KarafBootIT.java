package io.github.camelmqttbridge.examples.karaf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Boots the unpacked Karaf 4.4.8 headless ({@code bin/karaf server}) with a feature installed at boot, publishes to
 * Mosquitto on 127.0.0.1:1883 until the route wrote a file, then stops Karaf.
 * Karaf downloads only from the local ~/.m2, our private bundle repository and Maven Central.
 * <p>
 * Feature ({@code -Dkaraf.it.feature}): {@code camel-mqtt-bridge-wrapped-example} by default (wrapped plain Camel jars +
 * camel-core-osgi + the route bundle's activator; works with what this project's Maven mirror serves), or
 * {@code camel-mqtt-bridge-example} (camel-karaf's camel-core + camel-blueprint and the Blueprint route in deploy/; needs
 * camel-karaf's own bundles, which the mirror here does not serve).
 */
class KarafBootIT {

    static final String BROKER = System.getProperty("mqtt.broker", "tcp://127.0.0.1:1883");
    static final String FEATURE = System.getProperty("karaf.it.feature", "camel-mqtt-bridge-wrapped-example");

    @Test
    void bridgesAMessageInsideKaraf() throws Exception {
        Path home = Paths.get(System.getProperty("karaf.home")).toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "camel-mqtt-bridge/examples/karaf/" + run;
        Path output = home.resolve("data/mqtt-messages-" + run);

        deleteRecursively(home.resolve("data")); // a clean boot: no bundle cache or log of an earlier run
        configure(home, topic, run, output);
        if (FEATURE.equals("camel-mqtt-bridge-example")) {
            Files.copy(Paths.get(System.getProperty("karaf.deploy")), home.resolve("deploy/mqtt-to-file.xml"),
                    StandardCopyOption.REPLACE_EXISTING);
        }

        Process karaf = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("karaf-console.log").toFile()).start();
        try {
            String payload = "karaf-" + run;
            try (MqttClient publisher = new MqttClient(MqttClientOptions.builder().serverUri(BROKER)
                    .clientId("karaf-it-pub-" + run).build())) {
                publisher.connect().get(10, TimeUnit.SECONDS);
                // the route subscribes once Karaf installed the features: publish until its file shows up
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                    assertThat(karaf.isAlive()).as("Karaf process, see " + home.resolve("karaf-console.log")).isTrue();
                    assertThat(log(home)).as("boot feature install, see " + home.resolve("data/log/karaf.log"))
                            .doesNotContain("Error installing boot features");
                    if (!files(output).isEmpty()) {
                        return true;
                    }
                    publisher.publish(OutboundMessage.of(topic + "/sensor", payload.getBytes(StandardCharsets.UTF_8), 1))
                            .get(10, TimeUnit.SECONDS);
                    return false;
                });
            }
            assertThat(Files.readString(files(output).get(0))).isEqualTo(payload);
        } finally {
            Process stop = new ProcessBuilder(home.resolve("bin/stop").toString()).directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(home.resolve("karaf-stop.log").toFile()).start();
            stop.waitFor(60, TimeUnit.SECONDS);
            if (!karaf.waitFor(60, TimeUnit.SECONDS)) {
                karaf.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void configure(Path home, String topic, String run, Path output) throws IOException {
        Path etc = home.resolve("etc");
        String m2 = Paths.get(System.getProperty("karaf.m2")).toAbsolutePath().toUri().toString();
        String bundleRepo = Paths.get(System.getProperty("karaf.bundle.repo")).toAbsolutePath().toUri().toString();
        // Maven resolution: our freshly built bundle first, then ~/.m2, then Maven Central only
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), String.join("\n",
                "org.ops4j.pax.url.mvn.localRepository=" + Paths.get(System.getProperty("karaf.m2")).toAbsolutePath(),
                "org.ops4j.pax.url.mvn.defaultRepositories=" + bundleRepo + "@id=build@snapshots, " + m2 + "@id=m2@snapshots",
                "org.ops4j.pax.url.mvn.repositories=https://repo1.maven.org/maven2@id=central",
                "org.ops4j.pax.url.mvn.useFallbackRepositories=false",
                ""));
        // install the example feature at boot (no shell session needed)
        Path features = etc.resolve("org.apache.karaf.features.cfg");
        Path pristine = etc.resolve("org.apache.karaf.features.cfg.orig"); // Karaf's own, so that a rerun edits it once
        if (!Files.exists(pristine)) {
            Files.copy(features, pristine);
        }
        String cfg = Files.readString(pristine);
        String repo = Paths.get(System.getProperty("karaf.features")).toAbsolutePath().toUri().toString();
        cfg = cfg.replaceFirst("featuresRepositories\\s*=\\s*\\\\?", "featuresRepositories = " + repo + ", \\\\");
        cfg = cfg.replaceFirst("featuresBoot\\s*=\\s*\\\\?", "featuresBoot = " + FEATURE + ", \\\\");
        Files.writeString(features, cfg);
        // free ports, so that parallel builds and other Karafs do not collide
        replace(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort\\s*=\\s*\\d+", "sshPort = " + freePort());
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort\\s*=\\s*\\d+", "rmiRegistryPort = " + freePort());
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort\\s*=\\s*\\d+", "rmiServerPort = " + freePort());
        // the route's settings: Blueprint placeholders (config admin) and, for the route bundle, system properties
        List<String> settings = List.of("brokerUrl=" + BROKER, "topic=" + topic + "/#", "clientId=karaf-it-" + run,
                "outputDirectory=" + output);
        Files.writeString(etc.resolve("camel.mqtt.bridge.example.cfg"), String.join("\n", settings) + "\n");
        StringBuilder system = new StringBuilder();
        Files.readAllLines(etc.resolve("system.properties")).stream()
                .filter(line -> !line.startsWith("camel.mqtt.bridge.example.")) // from an earlier run
                .forEach(line -> system.append(line).append('\n'));
        settings.forEach(s -> system.append("camel.mqtt.bridge.example.").append(s).append('\n'));
        Files.writeString(etc.resolve("system.properties"), system.toString());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String log(Path home) throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static void replace(Path file, String regex, String replacement) throws IOException {
        Files.writeString(file, Files.readString(file).replaceAll(regex, replacement));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
