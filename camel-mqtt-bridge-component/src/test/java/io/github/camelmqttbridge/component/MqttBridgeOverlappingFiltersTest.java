package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A consumer whose path has overlapping filters ({@code mqtt-bridge:ov/#,ov/a}) makes one exchange per message,
 * whatever the overlap: on MQTT 5 Mosquitto sends a copy per matching filter (told apart by subscription
 * identifier, the second one acknowledged without an exchange), on MQTT 3.1.1 it sends one copy.
 */
class MqttBridgeOverlappingFiltersTest extends MqttBridgeTestSupport {

    private static final int MESSAGES = 10;

    @ParameterizedTest(name = "MQTT {0} QoS {1}")
    @CsvSource({"5,1", "5,2", "3.1.1,1", "3.1.1,2"})
    void oneExchangePerMessage(String version, int qos) throws Exception {
        String ov = topic("ov");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + ov + "/#," + ov + "/a?brokerUrl=" + BROKER + "&qos=" + qos + "&protocolVersion="
                        + version).routeId("overlap").to("mock:out");
            }
        });
        MockEndpoint out = getMockEndpoint("mock:out");
        for (int i = 0; i < MESSAGES; i++) {
            publish(ov + (i % 2 == 0 ? "/a" : "/b/c"), "m" + i, qos);
        }
        publish(ov + "/a", "end", qos);
        Function<List<Exchange>, Map<String, Long>> counts = exchanges -> exchanges.stream()
                .collect(Collectors.groupingBy(e -> text(e.getIn().getBody()), Collectors.counting()));
        await().atMost(Duration.ofSeconds(15)).until(() -> counts.apply(out.getReceivedExchanges()).containsKey("end"));

        Map<String, Long> received = counts.apply(out.getReceivedExchanges());
        assertThat(received).hasSize(MESSAGES + 1).allSatisfy((text, n) -> assertThat(n).as(text).isEqualTo(1));
        MqttBridgeConsumer consumer = consumer("overlap");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consumer.getInflight()).isZero());
        assertThat(consumer.getCompleted()).isEqualTo(MESSAGES + 1);
        if (version.equals("5")) {
            assertThat(consumer.getClient().metrics().overlapCopiesSuppressed()).as("second copies of the /a messages")
                    .isEqualTo(MESSAGES / 2 + 1);
        }
    }
}
