package io.github.camelmqttbridge.component;

import org.apache.camel.spi.Metadata;

/** Message headers of the mqtt-bridge component. */
public final class MqttBridgeConstants {

    @Metadata(description = "Consumer: the topic the message was published to. Producer: the topic to publish to,"
            + " overriding the endpoint path - unless the exchange came from an mqtt-bridge consumer and the header still"
            + " holds the received topic (so that a route from mqtt-bridge:a to mqtt-bridge:b publishes to b, not back"
            + " to a); use CamelMqttBridgeOverrideTopic to publish to a computed topic in that case.", javaType = "String")
    public static final String TOPIC = "CamelMqttBridgeTopic";

    @Metadata(label = "producer", description = "The topic to publish to; wins over CamelMqttBridgeTopic and the"
            + " endpoint path.", javaType = "String")
    public static final String OVERRIDE_TOPIC = "CamelMqttBridgeOverrideTopic";

    @Metadata(description = "Consumer: the QoS the message was delivered with. Producer: the QoS to publish with,"
            + " overriding the qos option.", javaType = "Integer")
    public static final String QOS = "CamelMqttBridgeQos";

    @Metadata(description = "Consumer: whether the message is a retained message. Producer: whether to publish it"
            + " retained, overriding the retained option.", javaType = "Boolean")
    public static final String RETAINED = "CamelMqttBridgeRetained";

    @Metadata(label = "consumer", description = "Whether the broker flagged the message as a re-send (DUP).",
            javaType = "Boolean")
    public static final String DUPLICATE = "CamelMqttBridgeDuplicate";

    @Metadata(description = "Consumer: the broker's packet identifier (0 for QoS 0). Producer: the packet identifier"
            + " the message was published with.", javaType = "Integer")
    public static final String PACKET_ID = "CamelMqttBridgePacketId";

    @Metadata(label = "consumer", description = "How many times this message has been redelivered to the route after"
            + " a failed exchange (0 on the first delivery).", javaType = "Integer")
    public static final String REDELIVERY_COUNTER = "CamelMqttBridgeRedeliveryCounter";

    @Metadata(description = "MQTT 5 user properties as a map in their original order. A key that occurs several times"
            + " maps to a List of its values. Consumer: always set when the message has user properties; with"
            + " userPropertiesAsHeaders they also become headers of their own (only names the headerFilterStrategy lets"
            + " through). Producer: sent as user properties, as given; a List or array value sends the key repeatedly"
            + " (traceparent / tracestate give way to the current trace context when the traceContext option is active).",
            javaType = "java.util.Map<String, Object>")
    public static final String USER_PROPERTIES = "CamelMqttBridgeUserProperties";

    @Metadata(description = "MQTT 5 content type.", javaType = "String")
    public static final String CONTENT_TYPE = "CamelMqttBridgeContentType";

    @Metadata(description = "MQTT 5 payload format indicator: true when the payload is UTF-8 text.", javaType = "Boolean")
    public static final String PAYLOAD_FORMAT_UTF8 = "CamelMqttBridgePayloadFormatUtf8";

    @Metadata(description = "MQTT 5 response topic (request/reply).", javaType = "String")
    public static final String RESPONSE_TOPIC = "CamelMqttBridgeResponseTopic";

    @Metadata(description = "MQTT 5 correlation data (request/reply).", javaType = "byte[]")
    public static final String CORRELATION_DATA = "CamelMqttBridgeCorrelationData";

    @Metadata(description = "MQTT 5 message expiry interval in seconds.", javaType = "Long")
    public static final String MESSAGE_EXPIRY_INTERVAL = "CamelMqttBridgeMessageExpiryInterval";

    @Metadata(label = "consumer", description = "MQTT 5 subscription identifiers of the subscriptions that matched.",
            javaType = "java.util.List<Integer>")
    public static final String SUBSCRIPTION_IDENTIFIERS = "CamelMqttBridgeSubscriptionIdentifiers";

    @Metadata(label = "producer", description = "The reason code of the broker's PUBACK / PUBCOMP (e.g. 16: no matching"
            + " subscribers), after a successful publish.", javaType = "Integer")
    public static final String REASON_CODE = "CamelMqttBridgeReasonCode";

    private MqttBridgeConstants() {
    }
}
