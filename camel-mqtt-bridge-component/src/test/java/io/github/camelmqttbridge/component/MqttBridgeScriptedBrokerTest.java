package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wire-level scripts against {@link ScriptedBroker}: a SUBSCRIBE the broker refuses, and a QoS 2 PUBLISH the broker
 * re-sends before it released the first one (on the same connection, after a reconnect, after a consumer restart).
 */
class MqttBridgeScriptedBrokerTest {

    private static final String TOPIC = "fake/q2";

    private ScriptedBroker broker;
    private final List<CamelContext> contexts = new ArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<Boolean> duplicates = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        broker = new ScriptedBroker();
    }

    @AfterEach
    void stopAll() {
        contexts.forEach(CamelContext::stop);
        broker.close();
    }

    private CamelContext startContext(String uri) throws Exception {
        CamelContext context = new DefaultCamelContext();
        contexts.add(context);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("scripted").process(this::record);
            }

            private void record(Exchange e) {
                bodies.add(new String(e.getIn().getBody(byte[].class), StandardCharsets.UTF_8));
                duplicates.add(e.getIn().getHeader(MqttBridgeConstants.DUPLICATE, Boolean.class));
            }
        });
        context.start();
        return context;
    }

    private String uri(String options) {
        return "mqtt-bridge:" + TOPIC + "?brokerUrl=" + broker.url() + "&minReconnectDelay=50&maxReconnectDelay=200"
                + "&connectionTimeout=5" + options;
    }

    private static MqttBridgeConsumer consumer(CamelContext context) {
        return (MqttBridgeConsumer) context.getRoute("scripted").getConsumer();
    }

    // ---- a subscription the broker refuses ----

    @Test
    void subscriptionRefusedWithNotAuthorizedFailsTheRouteStartNamingTheFilter() throws Exception {
        broker.autoConnack = false;
        broker.subackCode = (n, qos) -> 0x87;
        assertThatThrownBy(() -> startContext(uri("&qos=1")))
                .rootCause()
                .hasMessageContaining("'" + TOPIC + "'")
                .hasMessageContaining("not authorized (0x87)");
    }

    @Test
    void subscriptionRefusedWithFailureOnMqtt311FailsTheRouteStart() throws Exception {
        broker.autoConnack = false;
        broker.subackCode = (n, qos) -> 0x80;
        assertThatThrownBy(() -> startContext(uri("&qos=1&protocolVersion=3.1.1")))
                .rootCause()
                .hasMessageContaining("'" + TOPIC + "'")
                // MQTT 3.1.1 calls 0x80 "Failure"; the engine uses the MQTT 5 name for the same code
                .hasMessageContaining("unspecified error (0x80)");
        assertThat(broker.nextConnection().isV5()).isFalse();
    }

    /** Readiness (issue 15): connected is not enough, the re-subscription after a session loss must be granted. */
    @Test
    void healthIsDownWhileTheResubscriptionAfterASessionLossWaitsForItsSuback() throws Exception {
        broker.answerSubscribe = n -> n == 0;
        CamelContext context = startContext(uri("&qos=1"));
        MqttBridgeConsumer consumer = consumer(context);
        HealthCheck check = consumer.getHealthCheck();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(consumer.isSubscribed()).isTrue();

        // the connection drops; the broker answers the reconnect with session present = 0 and holds the SUBACK
        broker.nextConnection().drop();
        ScriptedBroker.Connection second = broker.nextConnection();
        await().atMost(Duration.ofSeconds(10)).until(() -> second.subscribes.size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(consumer.getConnectionState()).isEqualTo("CONNECTED");
            HealthCheck.Result r = check.call();
            assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("SUBACK"));
        });
        assertThat(consumer.isSubscribed()).isFalse();

        second.releaseSubacks();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP));
        assertThat(consumer.isSubscribed()).isTrue();
    }

    @Test
    void healthIsDownWithTheReasonWhenResubscribingAfterASessionLossIsRefused() throws Exception {
        broker.autoConnack = false;
        broker.subackCode = (n, qos) -> n == 0 ? qos : 0x87;
        // a persistent session: the third CONNACK resumes it (session present = 1 answers only a CONNECT without clean start)
        CamelContext context = startContext(uri("&qos=1&cleanStart=false&clientId=refused-resubscribe"));
        HealthCheck check = consumer(context).getHealthCheck();
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        // The broker loses the session: the consumer reconnects, subscribes again, and is refused.
        broker.autoConnack = null;
        broker.nextConnection().drop();
        ScriptedBroker.Connection second = broker.nextConnection();
        second.connack(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.subscribes.size() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HealthCheck.Result r = check.call();
            assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("'" + TOPIC + "'")
                    .contains("not authorized (0x87)"));
        });

        // Still DOWN with that reason while the connection is gone again: the refusal is not forgotten.
        second.drop();
        ScriptedBroker.Connection third = broker.nextConnection();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(consumer(context).getConnectionState()).isNotEqualTo("CONNECTED");
            HealthCheck.Result r = check.call();
            assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(r.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("'" + TOPIC + "'")
                    .contains("not authorized (0x87)"));
        });
        third.connack(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED".equals(consumer(context).getConnectionState()));
        HealthCheck.Result connected = check.call();
        assertThat(connected.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(connected.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("not authorized (0x87)"));
    }

    // ---- QoS 2: the broker re-sends before PUBREL ----

    /** A QoS 2 message after the one under test: its PUBREC proves everything before it was handled (acks are ordered). */
    private static void fence(ScriptedBroker.Connection c) throws InterruptedException {
        c.publish(TOPIC, 2, 8, false, "fence");
        assertThat(packetIdOf(c.expect(MqttMessageType.PUBREC))).isEqualTo(8);
        c.pubrel(8);
        assertThat(packetIdOf(c.expect(MqttMessageType.PUBCOMP))).isEqualTo(8);
    }

    private static int packetIdOf(MqttMessage m) {
        return ScriptedBroker.Connection.packetId(m);
    }

    @Test
    void qos2ResentWithDupBeforePubrelIsDeliveredOnceAndCompleted() throws Exception {
        broker.autoConnack = false;
        startContext(uri("&qos=2&clientId=q2-same"));
        ScriptedBroker.Connection c = broker.nextConnection();

        c.publish(TOPIC, 2, 7, false, "seven");
        assertThat(packetIdOf(c.expect(MqttMessageType.PUBREC))).isEqualTo(7);
        c.publish(TOPIC, 2, 7, true, "seven");
        assertThat(packetIdOf(c.expect(MqttMessageType.PUBREC))).as("the re-send is answered again").isEqualTo(7);
        c.pubrel(7);
        assertThat(packetIdOf(c.expect(MqttMessageType.PUBCOMP))).isEqualTo(7);
        fence(c);

        assertThat(bodies).containsExactly("seven", "fence");
        assertThat(c.poll(200)).as("nothing else on the wire").isNull();
    }

    @Test
    void qos2ResentAfterReconnectWithSessionPresentIsNotDeliveredAgain() throws Exception {
        broker.autoConnack = false;
        CamelContext context = startContext(uri("&qos=2&clientId=q2-reconnect&cleanStart=false"
                + "&sessionExpiryInterval=300"));
        ScriptedBroker.Connection first = broker.nextConnection();
        first.publish(TOPIC, 2, 7, false, "seven");
        assertThat(packetIdOf(first.expect(MqttMessageType.PUBREC))).isEqualTo(7);
        await().atMost(Duration.ofSeconds(5)).until(() -> bodies.size() == 1);

        broker.autoConnack = null;
        first.drop(); // the PUBREC got lost with the connection, as far as the broker knows
        ScriptedBroker.Connection second = broker.nextConnection();
        await().atMost(Duration.ofSeconds(5)).until(() -> second.connect != null);
        assertThat(second.connect.variableHeader().isCleanSession()).isFalse();
        second.connack(true);
        second.publish(TOPIC, 2, 7, true, "seven");
        assertThat(packetIdOf(second.expect(MqttMessageType.PUBREC))).isEqualTo(7);
        second.pubrel(7);
        assertThat(packetIdOf(second.expect(MqttMessageType.PUBCOMP))).isEqualTo(7);
        fence(second);

        assertThat(bodies).containsExactly("seven", "fence");
        assertThat(consumer(context).getDuplicatesSuppressed()).isEqualTo(1);
    }

    @Test
    void qos2ResentToARestartedConsumerWithFilePersistenceIsNotDeliveredAgain(@TempDir Path store) throws Exception {
        broker.autoConnack = false;
        String options = "&qos=2&clientId=q2-restart&cleanStart=false&sessionExpiryInterval=300&persistence=file"
                + "&persistenceDirectory=" + store;
        CamelContext first = startContext(uri(options));
        ScriptedBroker.Connection c1 = broker.nextConnection();
        c1.publish(TOPIC, 2, 7, false, "seven");
        assertThat(packetIdOf(c1.expect(MqttMessageType.PUBREC))).isEqualTo(7);
        first.stop(); // the consumer goes away before PUBREL
        contexts.remove(first);
        assertThat(bodies).containsExactly("seven");
        try (var files = Files.walk(store)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("session files in " + store).isPositive();
        }

        broker.autoConnack = true; // session present
        CamelContext second = startContext(uri(options));
        ScriptedBroker.Connection c2 = broker.nextConnection();
        assertThat(c2.connect.variableHeader().isCleanSession()).isFalse();
        c2.publish(TOPIC, 2, 7, true, "seven");
        assertThat(packetIdOf(c2.expect(MqttMessageType.PUBREC))).isEqualTo(7);
        c2.pubrel(7);
        assertThat(packetIdOf(c2.expect(MqttMessageType.PUBCOMP))).isEqualTo(7);
        fence(c2);

        assertThat(bodies).containsExactly("seven", "fence");
        assertThat(consumer(second).getDuplicatesSuppressed()).isEqualTo(1);
    }
}
