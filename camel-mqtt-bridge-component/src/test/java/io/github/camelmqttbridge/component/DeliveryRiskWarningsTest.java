package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.fuzz.LogCapture;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Option combinations that can lose or duplicate messages are named once at WARN when the consumer or producer starts
 * (captured from the real log); the defaults, and the bridge routes' settings, print none.
 */
class DeliveryRiskWarningsTest extends MqttBridgeTestSupport {

    @TempDir
    Path store;

    /** The WARN lines our consumer and producer logged about delivery risks while the route started. */
    private List<String> warningsWhenStarting(String uri, boolean consumer) throws Exception {
        try (LogCapture log = LogCapture.start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (consumer) {
                        from(uri).routeId("r").to("mock:x");
                    } else {
                        from("direct:in").routeId("r").to(uri);
                    }
                }
            });
            if (!consumer) {
                template.sendBody("direct:in", "x"); // a producer starts with its route (lazily at the latest)
            }
            return log.lines().stream()
                    .filter(l -> l.level().equals("WARN") && l.message().contains("can lose"))
                    .map(LogCapture.Line::message).toList();
        }
    }

    private String consumerUri(String options) {
        return "mqtt-bridge:" + topic("c") + "?brokerUrl=" + BROKER + options;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "&qos=0                                             | qos=0: the broker sends each message at most once",
        "&ackMode=onReceive                                 | ackMode=onReceive",
        "&maximumRedeliveries=3                             | maximumRedeliveries=3 without a dead letter channel",
        "&protocolVersion=3.1.1                             | protocolVersion=3.1.1 with cleanStart=true",
        "&sessionExpiryInterval=0                           | sessionExpiryInterval=0: the session ends",
        "&sessionExpiryInterval=30&clientId=ID             | sessionExpiryInterval=30 s is shorter than a reconnect may take",
        "&cleanStart=false&clientId=ID&persistence=file&persistenceDirectory=STORE | cleanStart=false without sessionExpiryInterval",
        "&cleanStart=false&clientId=ID&sessionExpiryInterval=3600 | cleanStart=false with persistence=memory",
        "&automaticReconnect=false                          | automaticReconnect=false"
    })
    void eachRiskyCombinationIsNamedOnceAtConsumerStart(String options, String expected) throws Exception {
        String resolved = options.trim().replace("ID", "risk-" + UUID.randomUUID().toString().substring(0, 8))
                .replace("STORE", store.toString());
        List<String> warnings = warningsWhenStarting(consumerUri(resolved), true);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w).contains(expected.trim());
            assertThat(w).startsWith("Consumer of mqtt-bridge:" + topic("c"));
        });
    }

    @Test
    void theDefaultsPrintNoWarning() throws Exception {
        assertThat(warningsWhenStarting(consumerUri(""), true)).isEmpty();
        context.removeRoute("r");
        assertThat(warningsWhenStarting("mqtt-bridge:" + topic("p") + "?brokerUrl=" + BROKER, false)).isEmpty();
    }

    @Test
    void theBridgeRoutesSettingsPrintNoWarning() throws Exception {
        String id = "bridge-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(warningsWhenStarting(consumerUri("&qos=1&cleanStart=false&sessionExpiryInterval=3600&clientId=" + id
                + "&persistence=file&persistenceDirectory=" + store), true)).isEmpty();
    }

    @Test
    void aDeadLetterChannelMakesMaximumRedeliveriesSafe() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(deadLetterChannel("mock:dead"));
                    from(consumerUri("&maximumRedeliveries=3")).to("mock:x");
                }
            });
            assertThat(log.lines()).noneMatch(l -> l.message().contains("can lose"));
        }
    }

    @Test
    void aProducerAtQos0IsNamedOnce() throws Exception {
        assertThat(warningsWhenStarting("mqtt-bridge:" + topic("p") + "?brokerUrl=" + BROKER + "&qos=0", false))
                .singleElement().satisfies(w -> assertThat(w).startsWith("Producer of mqtt-bridge:").contains("qos=0"));
    }
}
