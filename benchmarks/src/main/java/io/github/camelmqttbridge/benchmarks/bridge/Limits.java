package io.github.camelmqttbridge.benchmarks.bridge;

/** The machine limits measured earlier in the same run (medians, msg/s), for the bridge's fraction; 0 = not measured. */
public final class Limits {

    static volatile double brokerQos1;
    static volatile double brokerQos2;
    static volatile double kafka;

    private Limits() {
    }

    static double broker(int qos) {
        return qos == 2 ? brokerQos2 : brokerQos1;
    }
}
