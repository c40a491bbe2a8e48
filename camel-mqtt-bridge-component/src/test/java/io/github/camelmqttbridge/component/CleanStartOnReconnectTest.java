package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Clean Start flag on the wire (engine, against the scripted broker): the configured flag on the first connection,
 * 0 on an automatic reconnect of an MQTT 5 client (the session, kept by its expiry, survives), the configured flag every
 * time on MQTT 3.1.1 (no expiry there: Clean Session 0 would open a session that never ends); and a deliberate
 * disconnect of a clean-start client ends its session with Session Expiry 0.
 */
class CleanStartOnReconnectTest {

    private static MqttClientOptions.Builder options(ScriptedBroker broker, MqttVersion version) {
        return MqttClientOptions.builder().serverUris(broker.url()).clientId("clean-start-test").version(version)
                .minReconnectDelay(Duration.ofMillis(10)).maxReconnectDelay(Duration.ofMillis(100));
    }

    @Test
    void mqtt5SendsCleanStartOnlyOnTheFirstConnectionAndEndsTheSessionOnDisconnect() throws Exception {
        try (ScriptedBroker broker = new ScriptedBroker();
                MqttClient client = new MqttClient(options(broker, MqttVersion.V5).sessionExpiryInterval(600).build())) {
            client.connect().get(10, TimeUnit.SECONDS);
            ScriptedBroker.Connection first = broker.nextConnection();
            assertThat(first.connect.variableHeader().isCleanSession()).isTrue();

            first.drop();
            ScriptedBroker.Connection second = broker.nextConnection();
            second.connectReceived.await(10, TimeUnit.SECONDS);
            assertThat(second.connect.variableHeader().isCleanSession()).as("a reconnect resumes the session").isFalse();

            await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().reconnects() == 1 && client.isConnected());
            client.disconnect().get(10, TimeUnit.SECONDS);
            MqttMessage disconnect = second.expect(MqttMessageType.DISCONNECT);
            MqttProperties props = ((MqttReasonCodeAndPropertiesVariableHeader) disconnect.variableHeader()).properties();
            assertThat(props.getProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value()).value())
                    .as("a deliberate disconnect ends the session").isEqualTo(0);

            client.connect().get(10, TimeUnit.SECONDS);
            ScriptedBroker.Connection third = broker.nextConnection();
            assertThat(third.connect.variableHeader().isCleanSession()).as("connect() again starts clean").isTrue();
        }
    }

    @Test
    void mqtt5WithAClientIdMadeForThisClientSendsCleanStartZeroFromTheFirstConnection() throws Exception {
        try (ScriptedBroker broker = new ScriptedBroker();
                MqttClient client = new MqttClient(options(broker, MqttVersion.V5).sessionExpiryInterval(600)
                        .newClientId(true).build())) {
            client.connect().get(10, TimeUnit.SECONDS);
            assertThat(broker.nextConnection().connect.variableHeader().isCleanSession()).isFalse();
        }
    }

    @Test
    void mqtt311SendsTheConfiguredCleanSessionOnEveryConnection() throws Exception {
        try (ScriptedBroker broker = new ScriptedBroker();
                MqttClient client = new MqttClient(options(broker, MqttVersion.V3_1_1).newClientId(true).build())) {
            client.connect().get(10, TimeUnit.SECONDS);
            ScriptedBroker.Connection first = broker.nextConnection();
            assertThat(first.connect.variableHeader().isCleanSession()).isTrue();
            first.drop();
            ScriptedBroker.Connection second = broker.nextConnection();
            second.connectReceived.await(10, TimeUnit.SECONDS);
            assertThat(second.connect.variableHeader().isCleanSession()).isTrue();
        }
    }
}
