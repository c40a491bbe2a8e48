package io.github.camelmqttbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Properties;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SensorRangesTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    @AfterEach
    void close() {
        context.stop();
    }

    @Test
    void aRangeMayLeaveEitherBoundOpen() {
        SensorRanges.Range both = SensorRanges.Range.parse("p", " -50 .. 150 ");
        assertThat(both.contains(new BigDecimal("-50"))).isTrue();
        assertThat(both.contains(new BigDecimal("150"))).isTrue();
        assertThat(both.contains(new BigDecimal("150.01"))).isFalse();
        assertThat(both).hasToString("-50..150");
        assertThat(SensorRanges.Range.parse("p", "0..").contains(new BigDecimal("1e9"))).isTrue();
        assertThat(SensorRanges.Range.parse("p", "0..").contains(new BigDecimal("-0.1"))).isFalse();
        assertThat(SensorRanges.Range.parse("p", "..100").contains(new BigDecimal("-1e9"))).isTrue();
    }

    @Test
    void aMalformedRangeNamesItsPropertyAndTheFormat() {
        assertThatThrownBy(() -> SensorRanges.Range.parse("sensors.range.pressure", "300-1100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensors.range.pressure=300-1100").hasMessageContaining("<min>..<max>");
        assertThatThrownBy(() -> SensorRanges.Range.parse("sensors.range.pressure", "1100..300"))
                .hasMessageContaining("minimum is above the maximum");
    }

    @Test
    void theMetricsOwnPropertyDecidesAndAnEmptyOneSwitchesTheCheckOff() throws Exception {
        Properties props = new Properties();
        props.setProperty("sensors.range.pressure", "300..1100");
        props.setProperty("sensors.range.temperature", "");
        context.getPropertiesComponent().setOverrideProperties(props);
        SensorRanges ranges = new SensorRanges();

        assertThatCode(() -> ranges.check(reading("pressure", "{\"value\":1013.2}"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> ranges.check(reading("pressure", "{\"value\":101.3}")))
                .isInstanceOf(ReadingOutOfRangeException.class)
                .hasMessage("reading 101.3 on sensors/d/pressure is outside the range 300..1100 of metric 'pressure'"
                        + " (property sensors.range.pressure)");
        assertThatCode(() -> ranges.check(reading("temperature", "{\"value\":9999}"))).doesNotThrowAnyException();
        assertThatCode(() -> ranges.check(reading("wind", "{\"value\":-1e6}"))).doesNotThrowAnyException();
    }

    private Exchange reading(String metric, String json) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(SensorPayloads.METRIC, metric);
        exchange.getMessage().setHeader(MqttHeaders.TOPIC, "sensors/d/" + metric);
        exchange.getMessage().setBody(json);
        return exchange;
    }
}
