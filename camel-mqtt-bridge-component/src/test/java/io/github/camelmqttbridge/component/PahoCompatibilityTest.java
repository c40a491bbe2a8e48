package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same route, options and all, with paho-mqtt5: and with mqtt-bridge:. */
class PahoCompatibilityTest extends MqttBridgeTestSupport {

    @ParameterizedTest
    @ValueSource(strings = { "paho-mqtt5", "mqtt-bridge" })
    void sameRouteWorksWithEitherScheme(String scheme) throws Exception {
        String t = topic(scheme);
        String id = UUID.randomUUID().toString().substring(0, 8);
        String common = "?brokerUrl=" + BROKER + "&qos=1&cleanStart=true&keepAliveInterval=30&connectionTimeout=10"
                + "&automaticReconnect=true&maxReconnectDelay=5000&sessionExpiryInterval=-1&receiveMaximum=100"
                + "&persistence=MEMORY&willTopic=" + t + "/will&willPayload=gone&willQos=1&willRetained=false";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(scheme + ":" + t + common + "&clientId=in-" + id).routeId("in").to("mock:in");
                from("direct:out").to(scheme + ":" + t + common + "&clientId=out-" + id + "&retained=false");
            }
        });
        MockEndpoint in = getMockEndpoint("mock:in");
        in.expectedMessageCount(1);
        template.sendBody("direct:out", "same route");
        in.assertIsSatisfied(10_000);
        assertThat(text(in.getReceivedExchanges().get(0).getIn().getBody(byte[].class))).isEqualTo("same route");
    }

    /** The credentials options too: userName and password mean the same in both components. */
    @ParameterizedTest
    @ValueSource(strings = { "paho-mqtt5", "mqtt-bridge" })
    void sameCredentialsOptionsWorkWithEitherScheme(String scheme) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("carol", "c-pw-31")).start()) {
            String t = topic(scheme + "-auth");
            String id = UUID.randomUUID().toString().substring(0, 8);
            String common = "?brokerUrl=" + broker.tcpUrl() + "&qos=1&userName=carol&password=RAW(c-pw-31)";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(scheme + ":" + t + common + "&clientId=in-" + id).routeId("auth-in").to("mock:auth");
                    from("direct:auth").to(scheme + ":" + t + common + "&clientId=out-" + id);
                }
            });
            MockEndpoint in = getMockEndpoint("mock:auth");
            in.expectedMessageCount(1);
            template.sendBody("direct:auth", "with credentials");
            in.assertIsSatisfied(10_000);
            context.getRouteController().stopRoute("auth-in");
        }
    }
}
