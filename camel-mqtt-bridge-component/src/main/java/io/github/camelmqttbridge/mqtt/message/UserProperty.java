package io.github.camelmqttbridge.mqtt.message;

import java.util.Objects;

/** One MQTT 5 user property. Order matters and keys may repeat, so they travel as a list of these. */
public record UserProperty(String key, String value) {
    public UserProperty {
        Objects.requireNonNull(key, "user property key");
        Objects.requireNonNull(value, "user property value");
    }
}
