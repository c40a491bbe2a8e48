package io.github.camelmqttbridge.mqtt.options;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings for {@code ws://} and {@code wss://} server URIs (MQTT over WebSocket, MQTT 5 section 6): the
 * subprotocols offered in the handshake and extra HTTP headers (e.g. an {@code Authorization} header a gateway
 * wants). Header values are never printed: they may hold tokens.
 */
public final class WebSocketOptions {

    /** Automatic subprotocols: {@code mqtt}, plus {@code mqttv3.1} for MQTT 3.1.1 (older brokers registered only that). */
    public static final WebSocketOptions DEFAULT = new WebSocketOptions(List.of(), Map.of());

    private final List<String> subprotocols;
    private final Map<String, String> headers;

    private WebSocketOptions(List<String> subprotocols, Map<String, String> headers) {
        this.subprotocols = subprotocols;
        this.headers = headers;
    }

    /**
     * @param subprotocols the subprotocols to offer, in order of preference; empty means automatic
     * @param headers      extra headers of the HTTP upgrade request; may be empty
     */
    public static WebSocketOptions of(List<String> subprotocols, Map<String, String> headers) {
        for (String s : subprotocols) {
            if (s == null || s.isBlank() || s.contains(",")) {
                throw new IllegalArgumentException("Invalid WebSocket subprotocol '" + s + "'");
            }
        }
        return new WebSocketOptions(List.copyOf(subprotocols.stream().map(String::trim).toList()),
                headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers)));
    }

    public List<String> subprotocols() {
        return subprotocols;
    }

    /** The subprotocols to offer for this protocol version: the configured ones, or the automatic choice. */
    public List<String> subprotocolsFor(MqttVersion version) {
        if (!subprotocols.isEmpty()) {
            return subprotocols;
        }
        return version == MqttVersion.V5 ? List.of("mqtt") : List.of("mqtt", "mqttv3.1");
    }

    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "WebSocketOptions[subprotocols=" + (subprotocols.isEmpty() ? "automatic" : subprotocols)
                + ", headers=" + headers.keySet() + "]";
    }
}
