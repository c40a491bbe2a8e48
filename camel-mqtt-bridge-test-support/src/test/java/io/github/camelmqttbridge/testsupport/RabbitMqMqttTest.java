package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Needs the RabbitMQ node of this machine (a service here; .ci/run checks it answers). */
class RabbitMqMqttTest {

    @Test
    void pluginListensAndUsersGetTopicPermissions() throws Exception {
        RabbitMqMqtt.User user;
        int port;
        try (RabbitMqMqtt rabbit = RabbitMqMqtt.ensure()) {
            port = rabbit.port();
            assertThat(rabbit.version()).matches("\\d+\\.\\d+.*");
            assertThat(PortProbe.accepts(port)).isTrue();
            // idempotent: a second call finds the listener that runs
            try (RabbitMqMqtt again = RabbitMqMqtt.ensure()) {
                assertThat(again.port()).isEqualTo(port);
            }
            user = rabbit.addUser("^allowed\\..*", "^allowed\\..*");
            assertThat(user.toString()).doesNotContain(user.password());
            assertThat(MqttConnectProbe.connect(port, user.name(), user.password())).isZero();
            assertThat(MqttConnectProbe.connect(port, user.name(), "wrong")).isIn(4, 5);
            // RabbitMQ 3.10 grants QoS 1 for QoS 2 and closes the connection on a forbidden SUBSCRIBE
            assertThat(MqttConnectProbe.subscribe(port, user.name(), user.password(), "allowed/x", 2)).isEqualTo(1);
            assertThat(MqttConnectProbe.subscribe(port, user.name(), user.password(), "forbidden/x/#", 1))
                    .isEqualTo(MqttConnectProbe.CONNECTION_CLOSED);
        }
        // close() deleted the user
        assertThat(MqttConnectProbe.connect(port, user.name(), user.password())).isIn(4, 5);
    }
}
