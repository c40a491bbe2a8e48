package io.github.camelmqttbridge.examples.karaf;

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

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Boots the unpacked Karaf 4.4.8 headless ({@code bin/karaf server}) with the feature installed at boot and the Blueprint
 * route in deploy/, publishes to Mosquitto on 127.0.0.1:1883 until a file appears, then stops Karaf.
 * Karaf downloads only from the local ~/.m2, our private bundle repository and Maven Central.
 */
class KarafBootIT {

    static final String BROKER = System.getProperty("mqtt.broker", "tcp://127.0.0.1:1883");

    @Test
    void bridgesAMessageInsideKaraf() throws Exception {
        Path home = Paths.get(System.getProperty("karaf.home")).toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "camel-mqtt-bridge/examples/karaf/" + run;
        Path output = home.resolve("data/mqtt-messages-" + run);

        configure(home, topic, run, output);
        Files.copy(Paths.get(System.getProperty("karaf.deploy")), home.resolve("deploy/mqtt-to-file.xml"),
                StandardCopyOption.REPLACE_EXISTING);

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
        String cfg = Files.readString(features);
        String repo = Paths.get(System.getProperty("karaf.features")).toAbsolutePath().toUri().toString();
        cfg = cfg.replaceFirst("featuresRepositories\\s*=\\s*\\\\?", "featuresRepositories = " + repo + ", \\\\");
        cfg = cfg.replaceFirst("featuresBoot\\s*=\\s*\\\\?", "featuresBoot = camel-mqtt-bridge-example, \\\\");
        Files.writeString(features, cfg);
        // free ports, so that parallel builds and other Karafs do not collide
        replace(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort\\s*=\\s*\\d+", "sshPort = " + freePort());
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort\\s*=\\s*\\d+", "rmiRegistryPort = " + freePort());
        replace(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort\\s*=\\s*\\d+", "rmiServerPort = " + freePort());
        // the route's placeholders
        Files.writeString(etc.resolve("camel.mqtt.bridge.example.cfg"), String.join("\n",
                "brokerUrl=" + BROKER, "topic=" + topic + "/#", "clientId=karaf-it-" + run,
                "outputDirectory=" + output, ""));
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
