package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

class MqttBridgeProducerTest extends MqttBridgeTestSupport {

    @Test
    void publishesWithQos0And1And2AndEachIsConfirmed() throws Exception {
        MqttClient subscriber = client(BROKER);
        List<InboundMessage> received = collect(subscriber, topic("p/#"), 2);
        for (int qos = 0; qos <= 2; qos++) {
            Exchange result = template.send("mqtt-bridge:" + topic("p/" + qos) + "?brokerUrl=" + BROKER + "&qos=" + qos,
                    e -> e.getIn().setBody("hello"));
            assertThat(result.getException()).isNull();
            assertThat(result.getMessage().getHeader(MqttBridgeConstants.REASON_CODE, Integer.class)).isLessThan(0x80);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(received).extracting(InboundMessage::qos).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(received).extracting(m -> new String(m.payload())).containsOnly("hello");
    }

    @Test
    void headersOverrideTopicQosRetainAndCarryMqtt5Properties() throws Exception {
        String t = topic("props");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&userPropertiesAsHeaders=true").routeId("props")
                        .to("mock:in");
            }
        });
        MockEndpoint in = getMockEndpoint("mock:in");
        in.expectedMessageCount(1);
        template.send("mqtt-bridge:" + topic("default") + "?brokerUrl=" + BROKER, e -> {
            e.getIn().setBody("{\"a\":1}");
            e.getIn().setHeader(MqttBridgeConstants.TOPIC, t);
            e.getIn().setHeader(MqttBridgeConstants.QOS, 1);
            e.getIn().setHeader(MqttBridgeConstants.CONTENT_TYPE, "application/json");
            e.getIn().setHeader(MqttBridgeConstants.USER_PROPERTIES, Map.of("tenant", "t1", "tag", List.of("x", "y")));
        });
        in.assertIsSatisfied(10_000);
        org.apache.camel.Message m = in.getReceivedExchanges().get(0).getIn();
        assertThat(m.getHeader(MqttBridgeConstants.QOS)).isEqualTo(1);
        assertThat(m.getHeader(MqttBridgeConstants.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(m.getHeader("tenant")).isEqualTo("t1");
        assertThat(m.getHeader(MqttBridgeConstants.USER_PROPERTIES, Map.class)).containsEntry("tag", List.of("x", "y"));
    }

    @Test
    void bridgingOneTopicToAnotherPublishesToTheTargetNotBackToTheSource() throws Exception {
        String a = topic("a");
        String b = topic("b");
        MqttClient subscriber = client(BROKER);
        List<InboundMessage> onB = collect(subscriber, b, 1);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + a + "?brokerUrl=" + BROKER + "&qos=1").routeId("bridge")
                        .to("mqtt-bridge:" + b + "?brokerUrl=" + BROKER + "&qos=1");
            }
        });
        publish(a, "x", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> onB.size() == 1);
        MqttBridgeConsumer consumer = consumer("bridge");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(consumer.getReceived()).isEqualTo(1));
    }

    @Test
    void requestReplyUsesResponseTopicAndCorrelationData() throws Exception {
        String service = topic("svc");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + service + "?brokerUrl=" + BROKER + "&qos=1").routeId("responder")
                        .setBody(simple("pong for ${bodyAs(String)}"))
                        .setHeader(MqttBridgeConstants.OVERRIDE_TOPIC, header(MqttBridgeConstants.RESPONSE_TOPIC))
                        .to("mqtt-bridge:unused?brokerUrl=" + BROKER + "&qos=1");
            }
        });
        Object reply = template.requestBody("mqtt-bridge:" + service + "?brokerUrl=" + BROKER + "&qos=1&requestTimeout=10000",
                "ping");
        assertThat(text(reply)).isEqualTo("pong for ping");
    }

    @Test
    void aTopicTheBrokerRefusesFailsTheExchangeWithTheReason() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder()
                .passwordFile(Map.of("alice", "secret-pw"))
                .aclFile("user alice\ntopic readwrite allowed/#\n")
                .start()) {
            String uri = "mqtt-bridge:denied/x?brokerUrl=" + broker.tcpUrl() + "&qos=1&protocolVersion=5"
                    + "&userName=alice&password=secret-pw";
            Exchange result = template.send(uri, e -> e.getIn().setBody("nope"));
            assertThat(result.getException()).isInstanceOf(MqttPublishRefusedException.class)
                    .hasMessageContaining("denied/x").hasMessageContaining("0x87");
            Exchange ok = template.send(uri.replace("denied/x", "allowed/x"), e -> e.getIn().setBody("yes"));
            assertThat(ok.getException()).isNull();
        }
    }
}
