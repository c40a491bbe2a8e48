package io.github.camelmqttbridge.mqtt.error;

import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import java.util.stream.Collectors;

/** At least one filter of a SUBSCRIBE was refused; {@link #result()} says which and why. */
public class MqttSubscribeRefusedException extends MqttClientException {
    private final transient SubscribeResult result;

    public MqttSubscribeRefusedException(SubscribeResult result) {
        super("Broker refused the subscription to " + result.refused().stream()
                .map(f -> "'" + f.topicFilter() + "' (" + f.reason() + ")")
                .collect(Collectors.joining(", ")));
        this.result = result;
    }

    public SubscribeResult result() {
        return result;
    }
}
