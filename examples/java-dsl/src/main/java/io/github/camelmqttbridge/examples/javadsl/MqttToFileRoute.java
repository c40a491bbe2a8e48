package io.github.camelmqttbridge.examples.javadsl;

import org.apache.camel.builder.RouteBuilder;

/**
 * An ordinary Java DSL route with {@code mqtt-bridge:} as its source. Each MQTT message becomes one file; the
 * message is acknowledged to the broker only after the file was written (the component's default for QoS 1/2).
 */
public class MqttToFileRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("mqtt-bridge:{{bridge.topic}}"
                + "?brokerUrl={{bridge.brokerUrl}}"
                + "&clientId={{bridge.clientId}}"
                + "&qos=1"
                + "&protocolVersion=5")
            .routeId("mqtt-to-file")
            .log("MQTT message ${exchangeId} -> file")
            .to("file:{{bridge.outputDirectory}}?fileName=${exchangeId}.msg");
    }
}
