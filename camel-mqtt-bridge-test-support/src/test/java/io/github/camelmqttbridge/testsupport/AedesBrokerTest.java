package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Needs Node.js and npm (and, on the first run, the npm registry or its cache): .ci/run installs them. */
class AedesBrokerTest {

    @Test
    void scriptChecksPasswordsAndRefusesDeniedPrefixes() throws Exception {
        try (AedesBroker aedes = AedesBroker.builder().user("alice", "secret").denySubscribe("forbidden/").start()) {
            assertThat(aedes.version()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(MqttConnectProbe.connect(aedes.port(), "alice", "secret")).isZero();
            assertThat(MqttConnectProbe.connect(aedes.port(), "alice", "wrong")).isEqualTo(4);
            assertThat(MqttConnectProbe.subscribe(aedes.port(), "alice", "secret", "allowed/#", 2)).isEqualTo(2);
            assertThat(MqttConnectProbe.subscribe(aedes.port(), "alice", "secret", "forbidden/x", 1))
                    .isEqualTo(MqttConnectProbe.SUBSCRIPTION_REFUSED);
        }
    }

    @Test
    void closeStopsTheBroker() {
        AedesBroker aedes = AedesBroker.builder().start();
        assertThat(aedes.isRunning()).isTrue();
        aedes.close();
        assertThat(aedes.isRunning()).isFalse();
        assertThat(PortProbe.accepts(aedes.port())).isFalse();
    }
}
