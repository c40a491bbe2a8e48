package io.github.camelmqttbridge.mqtt.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The MQTT 5 Server Reference property (sent with 0x9C "use another server" / 0x9D "server moved") as the
 * URI of the next connection attempt. The specification leaves the format open; the usual one, which its
 * non-normative text shows, is a space-separated list of {@code host[:port]} with IPv6 addresses in brackets.
 * Only the first entry is used. The scheme (so TLS and its host name check) and the path stay those of the
 * server that sent it; without a port the scheme's default port is used, as for configured server URIs.
 * Anything else (a URL with its own scheme, user info, a path) is not followed: the broker's word can move
 * us to another host, never to another protocol or to plain text.
 */
public final class ServerReference {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ServerReference() {
    }

    /** @return the URI to try next, or null when {@code reference} is absent or not understood */
    public static URI resolve(String reference, URI current) {
        if (reference == null || current == null) {
            return null;
        }
        String first = reference.strip().split("\\s+", 2)[0];
        if (first.isEmpty()) {
            return null;
        }
        String host;
        String rest;
        if (first.startsWith("[")) {
            int end = first.indexOf(']');
            if (end < 0 || !IPV6.matcher(first.substring(1, end)).matches()) {
                return null;
            }
            host = first.substring(0, end + 1);
            rest = first.substring(end + 1);
        } else {
            int colon = first.indexOf(':');
            host = colon < 0 ? first : first.substring(0, colon);
            rest = colon < 0 ? "" : first.substring(colon);
            if (!HOST_NAME.matcher(host).matches()) {
                return null;
            }
        }
        int port = -1;
        if (!rest.isEmpty()) {
            if (!rest.startsWith(":") || rest.length() < 2 || rest.length() > 6 || !rest.substring(1).chars().allMatch(Character::isDigit)) {
                return null;
            }
            port = Integer.parseInt(rest.substring(1));
            if (port < 1 || port > 65535) {
                return null;
            }
        }
        try {
            URI uri = new URI(current.getScheme(), null, host.startsWith("[") ? host.substring(1, host.length() - 1) : host,
                    port, current.getPath() == null || current.getPath().isEmpty() ? null : current.getPath(), null, null);
            return uri.getHost() == null ? null : uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
