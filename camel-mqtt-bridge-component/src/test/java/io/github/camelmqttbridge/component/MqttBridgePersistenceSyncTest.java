package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.session.FileSessionStore;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.SyncPolicy;
import java.nio.file.Path;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's sync-to-disk policy as the endpoint option persistenceSync. */
class MqttBridgePersistenceSyncTest extends MqttBridgeTestSupport {

    @TempDir
    Path stateDir;

    private SessionStore storeOf(String options) throws Exception {
        MqttBridgeEndpoint endpoint = context.getEndpoint("mqtt-bridge:" + topic("sync") + "?persistence=file"
                + "&persistenceDirectory=" + stateDir + options, MqttBridgeEndpoint.class);
        return endpoint.clientOptions("sync-client", AckMode.MANUAL, 10).sessionStore().get();
    }

    @Test
    void eachValueSelectsTheFileStoresSyncPolicyAndTheDefaultIsNever() throws Exception {
        assertThat(((FileSessionStore) storeOf("")).syncPolicy()).isEqualTo(SyncPolicy.NEVER);
        assertThat(((FileSessionStore) storeOf("&persistenceSync=always")).syncPolicy()).isEqualTo(SyncPolicy.ALWAYS);
        assertThat(((FileSessionStore) storeOf("&persistenceSync=batch")).syncPolicy()).isEqualTo(SyncPolicy.BATCH);
        assertThat(((FileSessionStore) storeOf("&persistenceSync=NEVER")).syncPolicy()).isEqualTo(SyncPolicy.NEVER);
    }

    @Test
    void anUnknownValueIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> storeOf("&persistenceSync=sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sometimes'").hasMessageContaining("use always, batch or never");
    }

    @Test
    void aConsumerWithPersistenceSyncAlwaysBridgesAndAcknowledges() throws Exception {
        String t = topic("always");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=2&clientId=sync-always-" + prefix.substring(3)
                        + "&cleanStart=false&sessionExpiryInterval=60&persistence=file&persistenceSync=always"
                        + "&persistenceDirectory=" + stateDir).routeId("always").to("mock:out");
            }
        });
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedBodiesReceived("one", "two");
        publish(t, "one", 2);
        publish(t, "two", 2);
        out.assertIsSatisfied(15_000);
        MqttBridgeConsumer consumer = consumer("always");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(consumer.getAcknowledged()).isEqualTo(2));
    }
}
