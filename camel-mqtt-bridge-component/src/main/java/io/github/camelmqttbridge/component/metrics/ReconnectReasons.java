package io.github.camelmqttbridge.component.metrics;

import io.github.camelmqttbridge.mqtt.client.ReconnectPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The {@code reason} tag of the reconnect counters: the engine's {@link ReconnectPolicy.Reason}, in lower case. */
public final class ReconnectReasons {

    /** Every value the tag can take (a bounded set: one series each). */
    public static final List<String> ALL = Arrays.stream(ReconnectPolicy.Reason.values()).map(ReconnectReasons::tag)
            .toList();

    private ReconnectReasons() {
    }

    /** What ended a connection, as a tag value. */
    public static String of(Throwable cause) {
        return tag(ReconnectPolicy.classify(cause));
    }

    static String tag(ReconnectPolicy.Reason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
