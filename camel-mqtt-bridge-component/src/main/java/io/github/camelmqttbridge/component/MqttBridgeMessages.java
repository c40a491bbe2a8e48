package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.HeaderFilterStrategy;

/** Between engine messages and Camel messages: headers and MQTT 5 properties. */
final class MqttBridgeMessages {

    /** Exchange property: the topic an mqtt-bridge consumer received the message on. */
    static final String RECEIVED_TOPIC_PROPERTY = "CamelMqttBridgeReceivedTopic";

    private MqttBridgeMessages() {
    }

    /**
     * Body (byte[]) and headers of a received message. User properties go into the map header; with
     * {@code userPropertiesAsHeaders} also into headers of their own, see {@link #userPropertiesToHeaders}.
     */
    static void toCamel(InboundMessage m, Message in, MqttBridgeConfiguration config) {
        in.setBody(m.payload());
        in.setHeader(MqttBridgeConstants.TOPIC, m.topic());
        in.setHeader(MqttBridgeConstants.QOS, m.qos());
        in.setHeader(MqttBridgeConstants.RETAINED, m.retain());
        in.setHeader(MqttBridgeConstants.DUPLICATE, m.duplicate());
        in.setHeader(MqttBridgeConstants.PACKET_ID, m.packetId());
        MessageProperties p = m.properties();
        if (p == null || p.isEmpty()) {
            return;
        }
        setIfNotNull(in, MqttBridgeConstants.CONTENT_TYPE, p.contentType());
        setIfNotNull(in, MqttBridgeConstants.PAYLOAD_FORMAT_UTF8, p.payloadFormatUtf8());
        setIfNotNull(in, MqttBridgeConstants.RESPONSE_TOPIC, p.responseTopic());
        setIfNotNull(in, MqttBridgeConstants.CORRELATION_DATA, p.correlationData());
        setIfNotNull(in, MqttBridgeConstants.MESSAGE_EXPIRY_INTERVAL, p.messageExpiryInterval());
        if (!p.subscriptionIdentifiers().isEmpty()) {
            in.setHeader(MqttBridgeConstants.SUBSCRIPTION_IDENTIFIERS, p.subscriptionIdentifiers());
        }
        if (!p.userProperties().isEmpty()) {
            Map<String, Object> map = userPropertyMap(p.userProperties());
            in.setHeader(MqttBridgeConstants.USER_PROPERTIES, map);
            if (config.isUserPropertiesAsHeaders()) {
                userPropertiesToHeaders(map, in, config.getHeaderFilterStrategy());
            }
        }
    }

    /**
     * Each user property as a header of its own, unless its name is in Camel's namespace, the strategy filters it, or
     * a header of that name exists already (ours, set above, always win). {@code traceparent} / {@code tracestate} (in
     * any letter case) are left to {@link TraceContextPolicy}, which checks them.
     */
    static void userPropertiesToHeaders(Map<String, Object> userProperties, Message in, HeaderFilterStrategy strategy) {
        Exchange exchange = in.getExchange();
        userProperties.forEach((name, value) -> {
            if (neverMapped(name)
                    || (strategy != null && strategy.applyFilterToExternalHeaders(name, value, exchange))) {
                return;
            }
            if (in.getHeader(name) == null) {
                in.setHeader(name, value);
            }
        });
    }

    /**
     * Names the generic mapping never carries in either direction, whatever the strategy: Camel's namespace, and the
     * W3C trace context, which only {@link TraceContextPolicy} maps (checked).
     */
    private static boolean neverMapped(String name) {
        return MqttBridgeHeaderFilterStrategy.isCamelNamespace(name) || W3cTraceContext.isTraceContextName(name);
    }

    /** Ordered map; a key that repeats maps to a List of its values. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> userPropertyMap(List<UserProperty> properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (UserProperty up : properties) {
            Object existing = map.get(up.key());
            if (existing == null) {
                map.put(up.key(), up.value());
            } else if (existing instanceof List<?> list) {
                ((List<Object>) list).add(up.value());
            } else {
                List<Object> list = new ArrayList<>();
                list.add(existing);
                list.add(up.value());
                map.put(up.key(), list);
            }
        }
        return map;
    }

    /**
     * MQTT 5 properties for a publish, from the CamelMqttBridge* headers; with {@code headersAsUserProperties} also
     * the other headers, see {@link #headersToUserProperties}.
     */
    static MessageProperties.Builder propertiesFromHeaders(Message in, TypeConverter converter,
            MqttBridgeConfiguration config, TraceContextPolicy traceContext) {
        MessageProperties.Builder b = MessageProperties.builder();
        b.contentType(in.getHeader(MqttBridgeConstants.CONTENT_TYPE, String.class));
        b.payloadFormatUtf8(in.getHeader(MqttBridgeConstants.PAYLOAD_FORMAT_UTF8, Boolean.class));
        b.responseTopic(in.getHeader(MqttBridgeConstants.RESPONSE_TOPIC, String.class));
        Object correlation = in.getHeader(MqttBridgeConstants.CORRELATION_DATA);
        if (correlation instanceof String s) {
            b.correlationData(s.getBytes(StandardCharsets.UTF_8));
        } else if (correlation != null) {
            b.correlationData(converter.convertTo(byte[].class, correlation));
        }
        b.messageExpiryInterval(in.getHeader(MqttBridgeConstants.MESSAGE_EXPIRY_INTERVAL, Long.class));
        Object users = in.getHeader(MqttBridgeConstants.USER_PROPERTIES);
        Map<?, ?> explicit = users instanceof Map<?, ?> map ? map : Map.of();
        W3cTraceContext trace = traceContext.fromHeaders(in);
        userPropertiesFromMap(explicit, b, trace != null);
        if (config.isHeadersAsUserProperties()) {
            headersToUserProperties(in, explicit, config.getHeaderFilterStrategy(), b);
        }
        if (trace != null) {
            b.userProperty(W3cTraceContext.TRACEPARENT, trace.traceparent());
            if (trace.tracestate() != null) {
                b.userProperty(W3cTraceContext.TRACESTATE, trace.tracestate());
            }
        }
        return b;
    }

    /**
     * The map header as user properties, as given: the route put it there. With {@code withoutTraceContext} (the
     * trace context policy publishes the current one) its traceparent / tracestate entries are left out.
     */
    private static void userPropertiesFromMap(Map<?, ?> map, MessageProperties.Builder b, boolean withoutTraceContext) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                continue;
            }
            String key = e.getKey().toString();
            if (withoutTraceContext && W3cTraceContext.isTraceContextName(key)) {
                continue;
            }
            Object value = e.getValue();
            if (value instanceof Iterable<?> it) {
                it.forEach(v -> b.userProperty(key, String.valueOf(v)));
            } else if (value instanceof Object[] arr) {
                for (Object v : arr) {
                    b.userProperty(key, String.valueOf(v));
                }
            } else {
                b.userProperty(key, value.toString());
            }
        }
    }

    /**
     * Top-level headers as user properties: not Camel's namespace (so never our CamelMqttBridge* control headers),
     * not filtered by the strategy, not already a key of the map header, not {@code traceparent} / {@code tracestate}
     * (the trace context policy's), and a plain value (text, number, boolean, character, enum); objects, maps and byte
     * arrays stay in the route.
     */
    static void headersToUserProperties(Message in, Map<?, ?> explicit, HeaderFilterStrategy strategy,
            MessageProperties.Builder b) {
        Exchange exchange = in.getExchange();
        for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
            String name = header.getKey();
            Object value = header.getValue();
            if (!isPlainValue(value) || neverMapped(name)
                    || (strategy != null && strategy.applyFilterToCamelHeaders(name, value, exchange))
                    || containsKeyFolded(explicit, name)) {
                continue;
            }
            b.userProperty(name, value.toString());
        }
    }

    private static boolean isPlainValue(Object value) {
        return value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof Enum<?>;
    }

    private static boolean containsKeyFolded(Map<?, ?> map, String name) {
        for (Object key : map.keySet()) {
            if (key != null && String.CASE_INSENSITIVE_ORDER.compare(key.toString(), name) == 0) {
                return true;
            }
        }
        return false;
    }

    private static void setIfNotNull(Message in, String name, Object value) {
        if (value != null) {
            in.setHeader(name, value);
        }
    }
}
