package io.github.camelmqttbridge.interop;

/** The scenarios of {@link InteropScenarios}, as the results table names them. */
enum Scenario {
    STREAM_OURS("stream, our publisher", true),
    STREAM_PAHO("stream, Paho publisher", true),
    RETAINED("retained", false),
    WILL("will on kill -9", false),
    WRONG_PASSWORD("wrong password", false),
    REFUSED_SUBSCRIBE("refused SUBSCRIBE", false),
    QOS2_PUBLISH("QoS 2 PUBLISH", false),
    MQTT5_CONNECT("MQTT 5 CONNECT", false);

    final String label;
    /** Run per QoS: a row per QoS in the stream table; the others are one cell per broker and version. */
    final boolean perQos;

    Scenario(String label, boolean perQos) {
        this.label = label;
        this.perQos = perQos;
    }
}
