package io.github.camelmqttbridge.benchmarks.raw;

import java.net.URI;
import java.util.function.Consumer;

/** The few operations the raw client benchmark needs, over one client library and one MQTT version. */
interface ClientDriver extends AutoCloseable {

    /** Called exactly once per publish, with null on success (PUBACK, PUBCOMP, or written for QoS 0). */
    @FunctionalInterface
    interface Done {
        void complete(Throwable errorOrNull);
    }

    /**
     * Connects with a clean session. {@code window} bounds what the library keeps in flight where it has such
     * a setting, and is the Receive Maximum an MQTT 5 client announces; returns once CONNACK arrived.
     */
    void connect(URI server, String clientId, int window) throws Exception;

    /** Sends one message; must not block for the acknowledgement. */
    void publish(String topic, byte[] payload, int qos, Done done);

    /** Subscribes and returns once SUBACK arrived; {@code onMessage} gets each payload (acknowledged automatically). */
    void subscribe(String topic, int qos, Consumer<byte[]> onMessage) throws Exception;

    /** Library state worth printing when a run stalls or fails. */
    default String diagnostics() {
        return "";
    }

    /** Odd things the library noticed during the run (e.g. a broker exceeding limits), or "". */
    default String anomalies() {
        return "";
    }

    @Override
    void close();
}
