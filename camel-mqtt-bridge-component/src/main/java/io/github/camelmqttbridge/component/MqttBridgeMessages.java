package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.client.InboundMessage;
import io.github.camelmqttbridge.mqtt.client.MessageProperties;
import io.github.camelmqttbridge.mqtt.client.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Message;
import org.apache.camel.TypeConverter;

/** Between engine messages and Camel messages: headers and MQTT 5 properties. */
final class MqttBridgeMessages {

    /** Exchange property: the topic an mqtt-bridge consumer received the message on. */
    static final String RECEIVED_TOPIC_PROPERTY = "CamelMqttBridgeReceivedTopic";

    private MqttBridgeMessages() {
    }

    /** Body (byte[]) and headers of a received message. */
    static void toCamel(InboundMessage m, Message in) {
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
            map.forEach((k, v) -> {
                if (in.getHeader(k) == null) {
                    in.setHeader(k, v);
                }
            });
        }
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

    /** MQTT 5 properties for a publish, from the CamelMqttBridge* headers. */
    static MessageProperties.Builder propertiesFromHeaders(Message in, TypeConverter converter) {
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
        if (users instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    continue;
                }
                String key = e.getKey().toString();
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
        return b;
    }

    private static void setIfNotNull(Message in, String name, Object value) {
        if (value != null) {
            in.setHeader(name, value);
        }
    }
}
