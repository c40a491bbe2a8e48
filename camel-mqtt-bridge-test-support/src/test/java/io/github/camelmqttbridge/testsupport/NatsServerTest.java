package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class NatsServerTest {

    @Test
    void mqttListenerChecksUsersAndRefusesDeniedSubscriptions() throws Exception {
        try (NatsServer nats = NatsServer.builder().user("alice", "secret", "forbidden.>").start()) {
            assertThat(nats.mqttUrl()).isEqualTo("tcp://127.0.0.1:" + nats.mqttPort());
            assertThat(nats.version()).contains("v2.");

            assertThat(MqttConnectProbe.connect(nats.mqttPort(), "alice", "secret")).isZero();
            assertThat(MqttConnectProbe.connect(nats.mqttPort(), "alice", "wrong")).isIn(4, 5);
            // NATS has no QoS 2: a QoS 2 subscription is granted QoS 1
            assertThat(MqttConnectProbe.subscribe(nats.mqttPort(), "alice", "secret", "allowed/x", 2)).isEqualTo(1);
            assertThat(MqttConnectProbe.subscribe(nats.mqttPort(), "alice", "secret", "forbidden/x/#", 1))
                    .isEqualTo(MqttConnectProbe.SUBSCRIPTION_REFUSED);
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() {
        NatsServer nats = NatsServer.builder().start();
        assertThat(nats.isRunning()).isTrue();
        nats.close();
        assertThat(PortProbe.accepts(nats.mqttPort())).isFalse();
        assertThat(Files.exists(nats.logFile().getParent())).isFalse();
    }
}
