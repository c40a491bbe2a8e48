package io.github.camelmqttbridge.mqtt.message;

import java.util.List;

/** The broker's answer to one SUBSCRIBE: one entry per filter, in the order they were sent. */
public record SubscribeResult(List<FilterResult> filters) {

    public SubscribeResult {
        filters = List.copyOf(filters);
    }

    public boolean allGranted() {
        return filters.stream().allMatch(FilterResult::granted);
    }

    public List<FilterResult> refused() {
        return filters.stream().filter(f -> !f.granted()).toList();
    }

    /**
     * @param requestedQos the QoS asked for
     * @param reasonCode   the SUBACK code: 0..2 is the granted QoS, 0x80 and above a refusal
     * @param reason       the code in words, e.g. "not authorized (0x87)"
     */
    public record FilterResult(String topicFilter, int requestedQos, int reasonCode, String reason) {
        public boolean granted() {
            return reasonCode < 0x80;
        }

        public int grantedQos() {
            return granted() ? reasonCode : -1;
        }

        public boolean downgraded() {
            return granted() && reasonCode < requestedQos;
        }
    }
}
