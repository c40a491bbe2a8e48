package io.github.camelmqttbridge.benchmarks.bridge;

/** The consumer side of the bridge route: ours, or Camel's paho-mqtt5 component with and without manual acks. */
public enum Variant {
    /** {@code mqtt-bridge:}: PUBACK/PUBREC only after the exchange completed, i.e. after Kafka's ack. */
    OURS("mqtt-bridge (ack after Kafka ack)", "mqtt-bridge"),
    /** The same with {@code parallelProcessing=true}: no per-topic ordering, like the Paho consumer. */
    OURS_PARALLEL("mqtt-bridge, parallelProcessing=true (ack after Kafka ack)", "mqtt-bridge-parallel"),
    /** {@code paho-mqtt5:} with {@code manualAcksEnabled=true}: Camel acks in the exchange's onComplete. */
    PAHO_MANUAL("paho-mqtt5, manualAcksEnabled=true (ack after the exchange)", "paho-manual"),
    /** {@code paho-mqtt5:} as configured by default: Paho acks on receipt, before the route ran. */
    PAHO_AUTO("paho-mqtt5, default auto-ack (ack on receipt)", "paho-auto");

    private final String label;
    private final String shortName;

    Variant(String label, String shortName) {
        this.label = label;
        this.shortName = shortName;
    }

    public String label() {
        return label;
    }

    public String shortName() {
        return shortName;
    }
}
