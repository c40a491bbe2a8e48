package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import java.util.List;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.spi.CamelTracingService;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) between MQTT 5 user properties and the message headers
 * Camel's tracers read and write (camel-opentelemetry, camel-opentelemetry2 and the other camel-tracing /
 * camel-telemetry tracers extract a route's parent from the headers {@code traceparent} / {@code tracestate} when
 * an exchange begins, and inject the current span's context into the same headers before each send to an endpoint).
 *
 * <p>Active only for MQTT 5 and when the {@code traceContext} option says so: {@code auto} (default) when a Camel
 * tracer ({@link CamelTracingService}) is registered on the CamelContext when the consumer or producer starts,
 * {@code on} always, {@code off} never. An inactive policy does nothing: no header, no user property.
 *
 * <p>Consumer ({@link #toHeaders}): only the user properties named exactly {@code traceparent} and {@code tracestate}
 * are read, checked by {@link W3cTraceContext}, and set as the headers of those names; anything malformed, oversized or
 * ambiguous (two traceparents) is dropped and the message goes on as it would without it. The headers influence
 * nothing but which trace the route's spans join: no Camel component acts on them.
 *
 * <p>Producer ({@link #fromHeaders}): the headers {@code traceparent} / {@code tracestate} (as the tracer injected
 * them for this send), checked the same way, become user properties of those names; they replace those names from the
 * {@code CamelMqttBridgeUserProperties} map so that the subscriber sees one, current, parent.
 *
 * <p>Whatever the policy, the generic header mapping ({@code userPropertiesAsHeaders}, {@code headersAsUserProperties})
 * never carries these two names: this type alone does.
 */
public final class TraceContextPolicy {

    /** The values of the {@code traceContext} endpoint option. */
    public enum Mode {
        AUTO, ON, OFF;

        static Mode parse(String option) {
            if (option == null || option.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(option.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("traceContext must be auto, on or off, not '" + option + "'", e);
            }
        }
    }

    /** Does nothing. */
    public static final TraceContextPolicy INACTIVE = new TraceContextPolicy(false);

    private final boolean active;

    private TraceContextPolicy(boolean active) {
        this.active = active;
    }

    /**
     * The policy for an endpoint: {@code option} is the traceContext option; {@code camelContext} is asked for a
     * {@link CamelTracingService} under {@code auto}.
     */
    public static TraceContextPolicy of(String option, MqttVersion version, CamelContext camelContext) {
        Mode mode = Mode.parse(option);
        if (version != MqttVersion.V5 || mode == Mode.OFF) {
            return INACTIVE;
        }
        if (mode == Mode.ON) {
            return new TraceContextPolicy(true);
        }
        return new TraceContextPolicy(camelContext != null && camelContext.hasService(CamelTracingService.class) != null);
    }

    public boolean isActive() {
        return active;
    }

    /**
     * Consumer: the trace context of a received message's user properties, or null (inactive, none, or not valid).
     * Two or more {@code traceparent} properties are ambiguous: none is taken. Several {@code tracestate} properties
     * are one list, joined in order with commas (as HTTP joins repeated tracestate headers).
     */
    public W3cTraceContext fromUserProperties(List<UserProperty> properties) {
        if (!active || properties == null || properties.isEmpty()) {
            return null;
        }
        String traceparent = null;
        int parents = 0;
        StringBuilder tracestate = null;
        boolean tracestateTooLong = false;
        for (UserProperty p : properties) {
            if (W3cTraceContext.TRACEPARENT.equals(p.key())) {
                parents++;
                traceparent = p.value();
            } else if (W3cTraceContext.TRACESTATE.equals(p.key()) && !tracestateTooLong) {
                if (tracestate == null) {
                    tracestate = new StringBuilder();
                } else {
                    tracestate.append(',');
                }
                tracestate.append(p.value());
                tracestateTooLong = tracestate.length() > W3cTraceContext.MAX_TRACESTATE_LENGTH;
            }
        }
        if (parents != 1) {
            return null;
        }
        return W3cTraceContext.of(traceparent,
                tracestate == null || tracestateTooLong ? null : tracestate.toString());
    }

    /**
     * Consumer: sets the headers {@code traceparent} (and {@code tracestate}) from the received user properties when
     * active and valid; otherwise nothing.
     */
    public void toHeaders(List<UserProperty> properties, Message in) {
        W3cTraceContext context = fromUserProperties(properties);
        if (context != null) {
            in.setHeader(W3cTraceContext.TRACEPARENT, context.traceparent());
            if (context.tracestate() != null) {
                in.setHeader(W3cTraceContext.TRACESTATE, context.tracestate());
            }
        }
    }

    /**
     * Producer: the trace context in the message's headers {@code traceparent} / {@code tracestate} (text, or UTF-8
     * bytes), or null (inactive, none, or not valid).
     */
    public W3cTraceContext fromHeaders(Message in) {
        if (!active) {
            return null;
        }
        return W3cTraceContext.of(W3cTraceContext.text(in.getHeader(W3cTraceContext.TRACEPARENT)),
                W3cTraceContext.text(in.getHeader(W3cTraceContext.TRACESTATE)));
    }

    @Override
    public String toString() {
        return active ? "TraceContextPolicy[active]" : "TraceContextPolicy[inactive]";
    }
}
