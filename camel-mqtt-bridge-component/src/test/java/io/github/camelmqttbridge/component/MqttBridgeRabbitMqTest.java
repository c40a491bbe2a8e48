package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.client.RabbitMqMqtt;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Routes against RabbitMQ 3.10's MQTT plugin (3.1.1): a refused subscription and a QoS 2 producer. */
class MqttBridgeRabbitMqTest extends MqttBridgeTestSupport {

    @Test
    void aSubscriptionRabbitMqRefusesByClosingTheConnectionFailsTheRouteStartWithWhatTheBrokerDid() throws Exception {
        assumeTrue(RabbitMqMqtt.port().isPresent(), "RabbitMQ with the rabbitmq_mqtt plugin is not running here");
        RabbitMqMqtt.User user = RabbitMqMqtt.restrictedUser();
        long start = System.nanoTime();
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:forbidden/x/#?brokerUrl=" + RabbitMqMqtt.tcpUrl() + "&protocolVersion=3.1.1&qos=1"
                        + "&userName=" + user.name() + "&password=" + user.password()).routeId("forbidden")
                        .to("mock:never");
            }
        })).rootCause()
                .hasMessageContaining("'forbidden/x/#'")
                .hasMessageContaining("closed the connection right after our SUBSCRIBE");
        System.out.println("MqttBridgeRabbitMqTest: route start failed after " + (System.nanoTime() - start) / 1_000_000
                + " ms");
        assertThat(context.getRoute("forbidden") == null
                || !context.getRouteController().getRouteStatus("forbidden").isStarted()).isTrue();
    }

    @Test
    void aQos2ProducerCompletesAgainstABrokerThatDowngradesToQos1() throws Exception {
        assumeTrue(RabbitMqMqtt.port().isPresent(), "RabbitMQ with the rabbitmq_mqtt plugin is not running here");
        String topic = topic("q2");
        try (MqttClient reader = new MqttClient(MqttClientOptions.builder().serverUri(RabbitMqMqtt.tcpUrl())
                .version(MqttVersion.V3_1_1).clientId("reader-" + UUID.randomUUID().toString().substring(0, 8)).build())) {
            List<String> got = new CopyOnWriteArrayList<>();
            var subscribed = reader.subscribe(topic, 1, m -> {
                got.add(text(m.payload()));
                m.acknowledge();
            });
            reader.connect().get(10, TimeUnit.SECONDS);
            subscribed.get(10, TimeUnit.SECONDS);
            String uri = "mqtt-bridge:" + topic + "?brokerUrl=" + RabbitMqMqtt.tcpUrl() + "&protocolVersion=3.1.1&qos=2";
            for (int i = 0; i < 50; i++) {
                template.sendBody(uri, "m" + i); // throws if the publish failed
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> got.size() >= 50);
            assertThat(got).hasSize(50).doesNotHaveDuplicates();
        }
    }
}
