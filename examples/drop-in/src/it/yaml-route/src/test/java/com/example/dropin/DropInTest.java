package com.example.dropin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.main.Main;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * Runs this project's camel-main application (routes/drop-in.yaml) against Mosquitto (system property mqtt.broker,
 * default tcp://127.0.0.1:1883), publishes one message with Paho on a topic of its own and waits for the route to
 * complete an exchange with it. No mock: an event notifier, as an application would register one, records the bodies
 * of the exchanges the route completed (completed = the component acknowledged them to the broker).
 */
class DropInTest {

    @Test
    void aYamlRouteReceivesAMessageFromMosquitto() throws Exception {
        // the component's meters are optional: this project has no Micrometer, and the route below must work
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"),
                "Micrometer is on the drop-in project's class path: the run without it proves nothing");
        String broker = System.getProperty("mqtt.broker", "tcp://127.0.0.1:1883");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "camel-mqtt-bridge/drop-in/" + run;
        BlockingQueue<String> completed = new LinkedBlockingQueue<>();

        Main main = new Main();
        main.addOverrideProperty("dropin.brokerUrl", broker);
        main.addOverrideProperty("dropin.topic", topic + "/#");
        main.addOverrideProperty("dropin.clientId", "drop-in-" + run);
        main.bind("completedBodies", new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeCompletedEvent done
                        && "drop-in".equals(done.getExchange().getFromRouteId())) {
                    completed.add(done.getExchange().getMessage().getBody(String.class));
                }
            }
        });
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus("drop-in"));

            MqttClient publisher = new MqttClient(broker, "drop-in-pub-" + run, new MemoryPersistence());
            publisher.connect(new MqttConnectionOptions());
            MqttMessage message = new MqttMessage("21.5".getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            publisher.publish(topic + "/temperature", message);
            publisher.disconnect();
            publisher.close();

            assertEquals("21.5", completed.poll(60, TimeUnit.SECONDS), "the route completed no exchange in 60 s");

            // the component's own health check, behind camel-main's consumers repository (camel.health.consumers-enabled)
            HealthCheckRepository consumers = HealthCheckRegistry.get(context).getRepository("consumers")
                    .orElseThrow(() -> new AssertionError("no consumers health check repository"));
            List<HealthCheck.Result> results = consumers.stream().map(HealthCheck::call).toList();
            HealthCheck.Result consumer = results.stream()
                    .filter(r -> r.getDetails().containsKey("mqtt.state"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no mqtt-bridge consumer check among " + ids(results)));
            assertEquals(HealthCheck.State.UP, consumer.getState(), String.valueOf(consumer.getMessage()));
            assertEquals("CONNECTED", consumer.getDetails().get("mqtt.state"));
            assertTrue(consumer.getCheck().getId().contains("drop-in"), consumer.getCheck().getId());
        } finally {
            main.stop();
        }
    }

    private static List<String> ids(List<HealthCheck.Result> results) {
        return results.stream().map(r -> r.getCheck().getId() + "=" + r.getState() + " " + details(r)).toList();
    }

    private static Map<String, Object> details(HealthCheck.Result result) {
        return result.getDetails();
    }
}
