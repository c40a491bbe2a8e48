package io.github.camelmqttbridge.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state folder of the embedded brokers: remembered ports, one runner at a time, and where the folders are. */
class EmbeddedDataTest {

    @TempDir
    Path dir;

    @Test
    void theLastRunsPortIsTakenAgainWhenFreeAndAnotherOneWhenNot() throws Exception {
        try (EmbeddedData data = EmbeddedData.open(dir)) {
            int last = Ports.anyFree();
            data.rememberPort("mqtt", last);
            assertThat(data.choosePort("mqtt", 1)).isEqualTo(last);
            try (ServerSocket taken = new ServerSocket(last, 0, InetAddress.getByName("127.0.0.1"))) {
                int now = data.choosePort("mqtt", taken.getLocalPort());
                assertThat(now).isNotEqualTo(last).isPositive();
            }
            assertThat(EmbeddedData.lastPort(dir, "mqtt")).isEqualTo(last);
            assertThat(EmbeddedData.lastPort(dir, "kafka")).isEqualTo(-1);
        }
    }

    @Test
    void aSecondRunnerOnTheSameStateFolderIsToldWhyItCannotStart() {
        try (EmbeddedData first = EmbeddedData.open(dir)) {
            assertThatThrownBy(() -> EmbeddedData.open(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use by another bridge runner (pid " + ProcessHandle.current().pid() + ")")
                    .hasMessageContaining("bridge.data.dir=");
        }
        // released on close
        EmbeddedData.open(dir).close();
    }

    @Test
    void theFoldersDefaultToTheUsersHomeAndFollowBridgeDataDir() {
        try (BridgeProperties defaults = new BridgeProperties(BridgeRunner.DEFAULTS, Map.of())) {
            Path data = Path.of(System.getProperty("user.home"), ".camel-mqtt-bridge").toAbsolutePath();
            assertThat(defaults.folder("bridge.data.dir")).isEqualTo(data);
            assertThat(defaults.folder("bridge.state.dir")).isEqualTo(data.resolve("state"));
            assertThat(defaults.folder("bridge.out.dir")).isEqualTo(data.resolve("out"));
            assertThat(defaults.folder("bridge.dlq.dir")).isEqualTo(data.resolve("dead-letters"));
        }
        try (BridgeProperties moved = new BridgeProperties(BridgeRunner.DEFAULTS,
                Map.of("bridge.data.dir", dir.toString(), "bridge.out.dir", dir.resolve("elsewhere").toString()))) {
            assertThat(moved.folder("bridge.state.dir")).isEqualTo(dir.resolve("state"));
            assertThat(moved.folder("bridge.out.dir")).isEqualTo(dir.resolve("elsewhere"));
        }
    }

    @Test
    void tailKafkaReadsTheEmbeddedKafkaOfTheLastRunUnlessKafkaBrokersIsSet() throws Exception {
        String[] data = {"--tail-kafka", "x", "bridge.data.dir=" + dir};
        assertThat(BridgeMain.tailBrokers(BridgeMain.BridgeOptions.parse(data))).isEqualTo("127.0.0.1:9092");
        Files.createDirectories(dir.resolve("state"));
        try (EmbeddedData embedded = EmbeddedData.open(dir.resolve("state"))) {
            embedded.rememberPort(BridgeRunner.KAFKA_PORT, 39092);
        }
        assertThat(BridgeMain.tailBrokers(BridgeMain.BridgeOptions.parse(data))).isEqualTo("127.0.0.1:39092");
        assertThat(BridgeMain.tailBrokers(BridgeMain.BridgeOptions.parse(new String[] {"--tail-kafka", "x",
            "bridge.data.dir=" + dir, "kafka.brokers=kafka:9092"}))).isEqualTo("kafka:9092");
    }
}
