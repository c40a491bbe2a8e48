package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MosquittoBrokerTest {

    @Test
    void brokerWithPasswordFileAcceptsKnownUsersOnly() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .passwordFile(Map.of("alice", "secret", "bob", "hunter2"))
                .start()) {
            try (Socket socket = new Socket("127.0.0.1", broker.port())) {
                assertThat(socket.isConnected()).isTrue();
            }
            assertThat(broker.tcpUrl()).isEqualTo("tcp://127.0.0.1:" + broker.port());

            assertThat(MqttConnectProbe.connect(broker.port(), "alice", "secret")).isZero();
            assertThat(MqttConnectProbe.connect(broker.port(), "bob", "hunter2")).isZero();
            // 4 = bad user name or password, 5 = not authorized: Mosquitto versions differ in which they send.
            assertThat(MqttConnectProbe.connect(broker.port(), "alice", "wrong")).isIn(4, 5);
        }
    }

    @Test
    void dynamicSecurityRefusesDeniedSubscriptionsAndWrongPasswords() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .dynamicSecurity(Map.of("alice", "secret"), java.util.List.of("forbidden/#")).start()) {
            assertThat(MqttConnectProbe.connect(broker.port(), "alice", "secret")).isZero();
            assertThat(MqttConnectProbe.connect(broker.port(), "alice", "wrong")).isIn(4, 5);
            assertThat(MqttConnectProbe.subscribe(broker.port(), "alice", "secret", "allowed/#", 2)).isEqualTo(2);
            assertThat(MqttConnectProbe.subscribe(broker.port(), "alice", "secret", "forbidden/x", 1))
                    .isEqualTo(MqttConnectProbe.SUBSCRIPTION_REFUSED);
        }
    }

    @Test
    void killAndRestartKeepPortAndPersistenceDirectory() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            int port = broker.port();

            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            assertThat(PortProbe.accepts(port)).isFalse();

            broker.restart();
            assertThat(broker.port()).isEqualTo(port);
            assertThat(PortProbe.accepts(port)).isTrue();

            broker.stop();
            // SIGTERM lets Mosquitto save its state.
            assertThat(broker.directory().resolve("data/mosquitto.db")).exists();
            broker.restart();
            assertThat(broker.logTail(50)).contains("mosquitto version").contains("Opening ipv4 listen socket on port " + port);
        }
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsDirectory() {
        MosquittoBroker broker = MosquittoBroker.builder().start();
        broker.close();

        assertThat(PortProbe.accepts(broker.port())).isFalse();
        assertThat(Files.exists(broker.directory())).isFalse();
    }

    @Test
    void startFailureShowsWhatMosquittoSaid() {
        assertThatThrownBy(() -> MosquittoBroker.builder().extraConfig("no_such_option 1").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Mosquitto exited with code")
                .hasMessageContaining("no_such_option");
    }

    @Test
    void tlsPortIsRefusedWithoutTls() {
        try (MosquittoBroker broker = MosquittoBroker.builder().start()) {
            assertThatThrownBy(broker::tlsPort).hasMessageContaining("no TLS listener");
        }
    }
}
