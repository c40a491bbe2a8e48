package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttBridgeHeaderFilterStrategyTest {

    private final HeaderFilterStrategy strategy = new MqttBridgeHeaderFilterStrategy();

    @ParameterizedTest
    @ValueSource(strings = {
        // Camel and its components, ours included
        "CamelHttpUri", "CamelHttpPath", "CamelHttpQuery", "CamelHttpMethod", "CamelFileName", "CamelKafkaManualCommit",
        "CamelMqttBridgeOverrideTopic", "CamelMqttBridgeTopic", "CamelMqttBridgeQos", "CamelMqttBridgeRetained",
        "CamelMqttBridgeResponseTopic", "CamelMqttBridgeUserProperties", "org.apache.camel.Foo",
        "kafka.KEY", "kafka.OVERRIDE_TOPIC", "kafka.PARTITION_KEY", "JMSReplyTo", "JMSCorrelationID",
        "breadcrumbId", "Content-Type", "Content-Encoding", "Host", "Authorization", "To", "Bcc", "operationName",
        "indexName",
        // other spellings, which Camel's case-insensitive header map finds under the real name
        "CAMELHTTPURI", "cAmElMqttBridgeOverrideTopic", "KAFKA.OVERRIDE_TOPIC", "content-type", "HOST",
        // characters that fold to the same letters in String.CASE_INSENSITIVE_ORDER (dotless i, long s, Kelvin sign)
        "CamelMqttBr\u0131dgeOverrideTopic", "CamelMqttBridgeQo\u017f", "\u212Aafka.KEY",
        // never a header name
        "", "bad\nname", "bad\u0000name"
    })
    void filtersNamesCamelOrAComponentActsOnInBothDirections(String name) {
        assertThat(strategy.applyFilterToExternalHeaders(name, "x", null)).as("in: %s", name).isTrue();
        assertThat(strategy.applyFilterToCamelHeaders(name, "x", null)).as("out: %s", name).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"site", "tenant", "device-id", "X-Trace", "bad name", "camera", "kafkaesque", "Hostname",
        "Tony"})
    void letsOrdinaryNamesThrough(String name) {
        assertThat(strategy.applyFilterToExternalHeaders(name, "x", null)).as(name).isFalse();
        assertThat(strategy.applyFilterToCamelHeaders(name, "x", null)).as(name).isFalse();
    }

    @Test
    void foldedSpellingsReallyAreTheSameCamelHeader() {
        // why the strategy compares with CASE_INSENSITIVE_ORDER: it is what Camel's header map does
        TreeMap<String, Object> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("CamelMqttBr\u0131dgeOverrideTopic", "evil");
        headers.put("\u212Aafka.KEY", "evil");
        assertThat(headers).containsKeys("CamelMqttBridgeOverrideTopic", "kafka.KEY");
    }

    @Test
    void aValueWithALineBreakOrNoValueNeverCrosses() {
        assertThat(strategy.applyFilterToExternalHeaders("site", "lab\r\nX-Injected: 1", null)).isTrue();
        assertThat(strategy.applyFilterToExternalHeaders("site", List.of("a", "b\nc"), null)).isTrue();
        assertThat(strategy.applyFilterToExternalHeaders("site", null, null)).isTrue();
        assertThat(strategy.applyFilterToExternalHeaders("site", List.of("a", "b"), null)).isFalse();
        assertThat(strategy.applyFilterToCamelHeaders("count", 42, null)).isFalse();
    }

    @Test
    void camelNamespaceIsRecognisedTheWayTheHeaderMapComparesNames() {
        assertThat(MqttBridgeHeaderFilterStrategy.isCamelNamespace("CAMELMqttBridgeTopic")).isTrue();
        assertThat(MqttBridgeHeaderFilterStrategy.isCamelNamespace("ORG.APACHE.CAMEL.x")).isTrue();
        assertThat(MqttBridgeHeaderFilterStrategy.isCamelNamespace("kafka.KEY")).isFalse();
        assertThat(MqttBridgeHeaderFilterStrategy.isCamelNamespace("Came")).isFalse();
    }
}
