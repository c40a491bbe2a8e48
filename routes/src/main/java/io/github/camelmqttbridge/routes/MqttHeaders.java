package io.github.camelmqttbridge.routes;

/**
 * Names of the headers the {@code mqtt-bridge} consumer sets and its producer reads. Kept here as plain
 * strings so the routes module does not depend on the component's internals; they must match the
 * component's headers class.
 */
public final class MqttHeaders {

    public static final String TOPIC = "CamelMqttBridgeTopic";
    public static final String QOS = "CamelMqttBridgeQos";
    public static final String RETAINED = "CamelMqttBridgeRetained";
    public static final String DUPLICATE = "CamelMqttBridgeDuplicate";
    public static final String USER_PROPERTIES = "CamelMqttBridgeUserProperties";
    public static final String CONTENT_TYPE = "CamelMqttBridgeContentType";

    private MqttHeaders() {
    }
}
