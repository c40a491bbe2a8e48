package io.github.camelmqttbridge.mqtt.transport;

import java.net.URI;
import java.util.Locale;

/**
 * What a server URI says about the way to the broker: host, port, TLS or not, WebSocket or raw TCP, and the
 * WebSocket path. Default ports: 1883 (tcp), 8883 (ssl), 80 (ws), 443 (wss); default WebSocket path {@code /mqtt}.
 */
public record ServerAddress(URI uri, String host, int port, boolean tls, boolean webSocket, String webSocketPath) {

    public static ServerAddress of(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean webSocket = scheme.equals("ws") || scheme.equals("wss");
        boolean tls = scheme.equals("ssl") || scheme.equals("mqtts") || scheme.equals("tls") || scheme.equals("wss");
        int defaultPort = webSocket ? (tls ? 443 : 80) : (tls ? 8883 : 1883);
        int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
        String path = null;
        if (webSocket) {
            String raw = uri.getRawPath();
            path = (raw == null || raw.isEmpty() ? "/mqtt" : raw) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
        return new ServerAddress(uri, uri.getHost(), port, tls, webSocket, path);
    }

    /** True when the URI asks for TLS (ssl, mqtts, tls, wss). */
    public static boolean isTls(URI uri) {
        return of(uri).tls();
    }

    /** The URI of the WebSocket upgrade request, e.g. {@code wss://broker:443/mqtt}. */
    URI webSocketUri() {
        return URI.create((tls ? "wss" : "ws") + "://" + hostForUri() + ":" + port + webSocketPath);
    }

    private String hostForUri() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
