package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

class MqttBridgeCatalogAndKameletTest extends MqttBridgeTestSupport {

    private static JsonObject catalog() throws Exception {
        try (InputStream in = MqttBridgeCatalogAndKameletTest.class.getResourceAsStream(
                "/META-INF/io/github/camelmqttbridge/component/mqtt-bridge.json")) {
            assertThat(in).as("generated component JSON on the classpath").isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyOptionAndHeaderIsDocumentedAndSecretsAreSecret() throws Exception {
        JsonObject json = catalog();
        for (String section : new String[] { "componentProperties", "properties", "headers" }) {
            JsonObject options = (JsonObject) json.get(section);
            assertThat(options).as(section).isNotEmpty();
            for (Map.Entry<String, Object> e : options.entrySet()) {
                JsonObject option = (JsonObject) e.getValue();
                assertThat(option.getString("description")).as(section + "." + e.getKey()).isNotBlank();
            }
        }
        JsonObject props = (JsonObject) json.get("properties");
        assertThat(((JsonObject) props.get("password")).getBoolean("secret")).isTrue();
        for (String paho : new String[] { "brokerUrl", "clientId", "qos", "retained", "cleanStart", "sessionExpiryInterval",
                "userName", "password", "keepAliveInterval", "connectionTimeout", "automaticReconnect", "maxReconnectDelay",
                "receiveMaximum", "willTopic", "willPayload", "willQos", "willRetained", "willDelayInterval",
                "sslContextParameters", "protocolVersion", "persistence", "persistenceDirectory", "ackMode", "maxInflight",
                "maximumPacketSize", "noLocal", "retainAsPublished", "retainHandling", "sharedSubscriptionGroup" }) {
            assertThat(props).as("option " + paho).containsKey(paho);
        }
        assertThat(context.getCamelContextExtension().getEndpointUriFactory("mqtt-bridge")).isNotNull();
    }

    @Test
    void headerPolicyOptionsAreInTheCatalogAtComponentAndEndpointLevel() throws Exception {
        JsonObject json = catalog();
        for (String section : new String[] { "componentProperties", "properties" }) {
            JsonObject options = (JsonObject) json.get(section);
            assertThat(options).as(section).containsKeys("headerFilterStrategy", "userPropertiesAsHeaders",
                    "headersAsUserProperties");
            assertThat(((JsonObject) options.get("userPropertiesAsHeaders")).get("defaultValue")).isEqualTo(false);
            assertThat(((JsonObject) options.get("headersAsUserProperties")).get("defaultValue")).isEqualTo(false);
            assertThat(((JsonObject) options.get("sessionExpiryInterval")).get("defaultValue").toString()).isEqualTo("-1");
        }
        MqttBridgeComponent component = context.getComponent("mqtt-bridge", MqttBridgeComponent.class);
        org.apache.camel.support.DefaultHeaderFilterStrategy custom = new org.apache.camel.support.DefaultHeaderFilterStrategy();
        component.getConfiguration().setHeaderFilterStrategy(custom);
        MqttBridgeEndpoint endpoint = context.getEndpoint("mqtt-bridge:h", MqttBridgeEndpoint.class);
        assertThat(endpoint.getHeaderFilterStrategy()).isSameAs(custom);
        assertThat(new MqttBridgeConfiguration().getHeaderFilterStrategy()).isInstanceOf(MqttBridgeHeaderFilterStrategy.class);
    }

    @Test
    void endpointUriDoesNotShowThePassword() throws Exception {
        var endpoint = context.getEndpoint("mqtt-bridge:x?brokerUrl=" + BROKER + "&userName=u&password=top-secret");
        assertThat(endpoint.toString()).doesNotContain("top-secret");
        assertThat(((MqttBridgeEndpoint) endpoint).getConfiguration().toString()).doesNotContain("top-secret");
    }

    @Test
    void componentDefaultsAreOverridablePerEndpoint() throws Exception {
        MqttBridgeComponent component = context.getComponent("mqtt-bridge", MqttBridgeComponent.class);
        component.getConfiguration().setQos(1);
        component.getConfiguration().setKeepAliveInterval(15);
        MqttBridgeEndpoint a = context.getEndpoint("mqtt-bridge:a", MqttBridgeEndpoint.class);
        MqttBridgeEndpoint b = context.getEndpoint("mqtt-bridge:b?qos=0", MqttBridgeEndpoint.class);
        assertThat(a.getConfiguration().getQos()).isEqualTo(1);
        assertThat(a.getConfiguration().getKeepAliveInterval()).isEqualTo(15);
        assertThat(b.getConfiguration().getQos()).isZero();
        assertThat(component.getConfiguration().getQos()).isEqualTo(1);
    }

    @Test
    void persistentSessionWithoutClientIdIsAClearError() throws Exception {
        MqttBridgeEndpoint e = context.getEndpoint("mqtt-bridge:x?cleanStart=false", MqttBridgeEndpoint.class);
        assertThatThrownBy(e::resolveClientId).hasMessageContaining("explicit clientId");
        MqttBridgeEndpoint f = context.getEndpoint("mqtt-bridge:y?persistence=file", MqttBridgeEndpoint.class);
        assertThatThrownBy(f::resolveClientId).hasMessageContaining("explicit clientId");
        MqttBridgeEndpoint g = context.getEndpoint("mqtt-bridge:z", MqttBridgeEndpoint.class);
        assertThat(g.resolveClientId()).startsWith("mqtt-bridge-");
    }

    @Test
    void kameletSourceAndSinkLoadAndCarryAMessage() throws Exception {
        String t = topic("kamelet");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:mqtt-bridge-source?topic=" + t + "&brokerUrl=" + BROKER + "&qos=1").routeId("k-source")
                        .to("mock:k");
                from("direct:k-sink").to("kamelet:mqtt-bridge-sink?topic=" + t + "&brokerUrl=" + BROKER + "&qos=1");
            }
        });
        MockEndpoint k = getMockEndpoint("mock:k");
        k.expectedMessageCount(1);
        template.sendBody("direct:k-sink", "via kamelets");
        k.assertIsSatisfied(10_000);
        assertThat(text(k.getReceivedExchanges().get(0).getIn().getBody())).isEqualTo("via kamelets");
    }
}
