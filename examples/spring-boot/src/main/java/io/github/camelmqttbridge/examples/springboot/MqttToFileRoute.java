package io.github.camelmqttbridge.examples.springboot;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * MQTT -> file. Each message becomes one file and is acknowledged to the broker only after the file is written.
 * The broker, QoS and credentials are the component's (camel.component.mqtt-bridge.* in application.properties,
 * applied by the starter); the topic, client id and folder are this application's own bridge.* properties.
 */
@Component
public class MqttToFileRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("mqtt-bridge:{{bridge.topic}}?clientId={{bridge.client-id}}")
                .routeId("mqtt-to-file")
                .log("MQTT message ${exchangeId} on ${header.CamelMqttBridgeTopic} -> file")
                .to("file:{{bridge.output-directory}}?fileName=${exchangeId}.msg");
    }
}
