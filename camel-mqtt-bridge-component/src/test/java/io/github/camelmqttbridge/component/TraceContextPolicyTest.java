package io.github.camelmqttbridge.component;

import static io.github.camelmqttbridge.component.W3cTraceContextTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelTracingService;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When trace context crosses between MQTT 5 user properties and the headers Camel's tracers use, and when nothing
 * is added: MQTT 3.1.1, traceContext=off, auto without a tracer, or values that fail the W3C checks.
 */
class TraceContextPolicyTest {

    private static final String OTHER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final CamelContext plain = new DefaultCamelContext();
    private final CamelContext traced = tracedContext();

    @AfterEach
    void close() throws Exception {
        plain.close();
        traced.close();
    }

    /** A CamelContext with a Camel tracer registered, as camel-opentelemetry registers its tracer. */
    static CamelContext tracedContext() {
        DefaultCamelContext context = new DefaultCamelContext();
        try {
            context.addService(new FakeTracer(), true, true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return context;
    }

    static final class FakeTracer extends ServiceSupport implements CamelTracingService {
        private CamelContext camelContext;

        @Override
        public void setCamelContext(CamelContext camelContext) {
            this.camelContext = camelContext;
        }

        @Override
        public CamelContext getCamelContext() {
            return camelContext;
        }
    }

    @Test
    void activeOnlyForMqtt5AndWhenTheOptionAndTheTracerSaySo() {
        assertThat(TraceContextPolicy.of("auto", MqttVersion.V5, traced).isActive()).isTrue();
        assertThat(TraceContextPolicy.of(null, MqttVersion.V5, traced).isActive()).as("auto is the default").isTrue();
        assertThat(TraceContextPolicy.of("auto", MqttVersion.V5, plain).isActive()).as("no tracer").isFalse();
        assertThat(TraceContextPolicy.of("on", MqttVersion.V5, plain).isActive()).isTrue();
        assertThat(TraceContextPolicy.of("ON", MqttVersion.V5, null).isActive()).isTrue();
        assertThat(TraceContextPolicy.of("off", MqttVersion.V5, traced).isActive()).isFalse();
        assertThat(TraceContextPolicy.of("auto", MqttVersion.V3_1_1, traced).isActive()).isFalse();
        assertThat(TraceContextPolicy.of("on", MqttVersion.V3_1_1, traced).isActive()).isFalse();
        assertThatThrownBy(() -> TraceContextPolicy.of("sometimes", MqttVersion.V5, traced))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, on or off");
    }

    private static TraceContextPolicy active() {
        return TraceContextPolicy.of("on", MqttVersion.V5, null);
    }

    @Test
    void consumerTakesOneValidTraceparentAndItsTracestate() {
        W3cTraceContext c = active().fromUserProperties(List.of(new UserProperty("site", "lab"),
                new UserProperty("traceparent", VALID), new UserProperty("tracestate", "rojo=1")));
        assertThat(c).isEqualTo(new W3cTraceContext(VALID, "rojo=1"));
    }

    @Test
    void consumerDropsWhatIsMalformedAmbiguousOrNotExactlyNamed() {
        TraceContextPolicy p = active();
        assertThat(p.fromUserProperties(List.of(new UserProperty("traceparent", "00-xyz")))).isNull();
        assertThat(p.fromUserProperties(List.of(new UserProperty("traceparent", VALID),
                new UserProperty("traceparent", OTHER)))).as("two traceparents").isNull();
        assertThat(p.fromUserProperties(List.of(new UserProperty("TraceParent", VALID)))).as("other case").isNull();
        assertThat(p.fromUserProperties(List.of(new UserProperty("tracestate", "rojo=1")))).as("no parent").isNull();
        assertThat(p.fromUserProperties(List.of())).isNull();
        assertThat(p.fromUserProperties(null)).isNull();
    }

    @Test
    void repeatedTracestatesAreOneListAndAnOversizedOneIsDroppedButNotTheTraceparent() {
        TraceContextPolicy p = active();
        assertThat(p.fromUserProperties(List.of(new UserProperty("traceparent", VALID),
                new UserProperty("tracestate", "rojo=1"), new UserProperty("tracestate", "congo=2"))).tracestate())
                .isEqualTo("rojo=1,congo=2");
        W3cTraceContext big = p.fromUserProperties(List.of(new UserProperty("traceparent", VALID),
                new UserProperty("tracestate", "rojo=" + "x".repeat(250)),
                new UserProperty("tracestate", "congo=" + "y".repeat(250)),
                new UserProperty("tracestate", "vert=" + "z".repeat(250))));
        assertThat(big.traceparent()).isEqualTo(VALID);
        assertThat(big.tracestate()).as("over 512 characters together").isNull();
        assertThat(p.fromUserProperties(List.of(new UserProperty("traceparent", VALID),
                new UserProperty("tracestate", "Bad=1"))).tracestate()).isNull();
    }

    @Test
    void consumerHeadersOnlyWhenActiveAndValid() {
        List<UserProperty> props = List.of(new UserProperty("traceparent", VALID), new UserProperty("tracestate", "a=1"));
        Message in = new DefaultExchange(traced).getIn();
        TraceContextPolicy.of("auto", MqttVersion.V5, traced).toHeaders(props, in);
        assertThat(in.getHeader("traceparent")).isEqualTo(VALID);
        assertThat(in.getHeader("tracestate")).isEqualTo("a=1");

        for (TraceContextPolicy inactive : List.of(TraceContextPolicy.of("auto", MqttVersion.V5, plain),
                TraceContextPolicy.of("off", MqttVersion.V5, traced), TraceContextPolicy.of("on", MqttVersion.V3_1_1, traced))) {
            Message m = new DefaultExchange(plain).getIn();
            inactive.toHeaders(props, m);
            assertThat(m.getHeaders()).as(inactive.toString()).isEmpty();
        }
        Message bad = new DefaultExchange(traced).getIn();
        active().toHeaders(List.of(new UserProperty("traceparent", VALID + "\r\nX: 1")), bad);
        assertThat(bad.getHeaders()).isEmpty();
    }

    @Test
    void userPropertiesAsHeadersNeverCarriesTheTwoNamesWhateverTheStrategy() {
        Message in = new DefaultExchange(plain).getIn();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("TRACEPARENT", VALID);
        map.put("tracestate", "a=1");
        map.put("site", "lab");
        MqttBridgeMessages.userPropertiesToHeaders(map, in, letEverythingThrough());
        assertThat(in.getHeaders()).containsOnlyKeys("site");
    }

    // ---- producer ----

    private Message outgoing(CamelContext context) {
        Exchange exchange = new DefaultExchange(context);
        Message in = exchange.getIn();
        in.setHeader("traceparent", OTHER); // as the tracer injects it for this send
        in.setHeader("tracestate", "congo=2");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("site", "lab");
        map.put("traceparent", VALID);  // the received one, carried along in the map
        map.put("tracestate", "rojo=1");
        in.setHeader(MqttBridgeConstants.USER_PROPERTIES, map);
        return in;
    }

    private static List<UserProperty> published(Message in, MqttBridgeConfiguration config, TraceContextPolicy p) {
        MessageProperties props = MqttBridgeMessages.propertiesFromHeaders(in,
                in.getExchange().getContext().getTypeConverter(), config, p).build();
        return props.userProperties();
    }

    @Test
    void producerPublishesTheCurrentContextInsteadOfTheOneInTheMap() {
        List<UserProperty> out = published(outgoing(traced), new MqttBridgeConfiguration(),
                TraceContextPolicy.of("auto", MqttVersion.V5, traced));
        assertThat(out).containsExactly(new UserProperty("site", "lab"), new UserProperty("traceparent", OTHER),
                new UserProperty("tracestate", "congo=2"));
    }

    @Test
    void producerAddsNothingWhenInactiveTheMapIsPublishedAsGiven() {
        MqttBridgeConfiguration config = new MqttBridgeConfiguration();
        config.setHeadersAsUserProperties(true);
        config.setHeaderFilterStrategy(letEverythingThrough());
        for (TraceContextPolicy inactive : List.of(TraceContextPolicy.of("auto", MqttVersion.V5, plain),
                TraceContextPolicy.of("off", MqttVersion.V5, traced), TraceContextPolicy.of("on", MqttVersion.V3_1_1, traced))) {
            Message in = outgoing(plain);
            in.removeHeader(MqttBridgeConstants.USER_PROPERTIES);
            assertThat(published(in, config, inactive)).as(inactive.toString()).isEmpty();
            assertThat(published(outgoing(plain), config, inactive)).containsExactly(new UserProperty("site", "lab"),
                    new UserProperty("traceparent", VALID), new UserProperty("tracestate", "rojo=1"));
        }
    }

    @Test
    void producerPublishesNoInvalidHeaderAndThenLeavesTheMapAlone() {
        Message in = outgoing(traced);
        in.setHeader("traceparent", OTHER.toUpperCase());
        assertThat(published(in, new MqttBridgeConfiguration(), active())).containsExactly(
                new UserProperty("site", "lab"), new UserProperty("traceparent", VALID),
                new UserProperty("tracestate", "rojo=1"));

        Message noMap = outgoing(traced);
        noMap.removeHeader(MqttBridgeConstants.USER_PROPERTIES);
        noMap.setHeader("tracestate", "Bad=1");
        assertThat(published(noMap, new MqttBridgeConfiguration(), active()))
                .containsExactly(new UserProperty("traceparent", OTHER));
    }

    @Test
    void producerReadsUtf8BytesAsKafkaRecordHeadersCarryThem() {
        Message in = new DefaultExchange(traced).getIn();
        in.setHeader("traceparent", OTHER.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(published(in, new MqttBridgeConfiguration(), active()))
                .containsExactly(new UserProperty("traceparent", OTHER));
    }

    private static HeaderFilterStrategy letEverythingThrough() {
        return new HeaderFilterStrategy() {
            @Override
            public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
                return false;
            }

            @Override
            public boolean applyFilterToExternalHeaders(String name, Object value, Exchange exchange) {
                return false;
            }
        };
    }
}
