package io.github.camelmqttbridge.mqtt.options;

import java.util.Locale;

/**
 * How the client reaches its brokers through a proxy: not at all ({@link Type#NONE}, the default), an HTTP proxy
 * that tunnels with CONNECT, a SOCKS5 proxy, or whatever the JVM's proxy settings say ({@link Type#SYSTEM}). Works
 * for every transport (tcp, ssl, ws, wss): TLS and the WebSocket handshake run inside the tunnel, so host name
 * verification still checks the broker's certificate. The password is never printed.
 */
public final class ProxyOptions {

    /** The kind of proxy. */
    public enum Type {
        /** Connect directly. */
        NONE,
        /** An HTTP proxy; the connection is tunnelled with {@code CONNECT host:port} (Basic credentials if given). */
        HTTP,
        /** A SOCKS5 proxy (RFC 1928), with user name / password authentication (RFC 1929) if given. */
        SOCKS5,
        /**
         * The JVM's proxy settings, asked per broker through {@link java.net.ProxySelector#getDefault()}: first as
         * {@code socket://host:port} (the {@code socksProxyHost} / {@code socksProxyPort} system properties, as for
         * any Java socket), then as {@code https://host:port} ({@code https.proxyHost} / {@code https.proxyPort});
         * {@code http.nonProxyHosts} and {@code java.net.useSystemProxies} apply as usual. Credentials: the ones
         * given here, else for SOCKS the JDK's {@code java.net.socks.username} / {@code java.net.socks.password},
         * else the default {@link java.net.Authenticator} asked for a proxy password.
         */
        SYSTEM;

        /** none, http, socks5 (or socks) and system, in any case. */
        public static Type parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "", "none", "direct" -> NONE;
                case "http", "https" -> HTTP;
                case "socks5", "socks" -> SOCKS5;
                case "system" -> SYSTEM;
                default -> throw new IllegalArgumentException("Unknown proxyType '" + text
                        + "': use none, http, socks5 or system");
            };
        }
    }

    public static final ProxyOptions NONE = new ProxyOptions(Type.NONE, null, 0, null, null);

    private final Type type;
    private final String host;
    private final int port;
    private final String userName;
    private final char[] password;

    private ProxyOptions(Type type, String host, int port, String userName, char[] password) {
        this.type = type;
        this.host = host;
        this.port = port;
        this.userName = userName;
        this.password = password;
    }

    /**
     * A proxy of the given type. HTTP and SOCKS5 need a host and a port (1..65535); for NONE and SYSTEM they are
     * ignored. {@code userName} and {@code password} may be null (no credentials).
     */
    public static ProxyOptions of(Type type, String host, int port, String userName, char[] password) {
        if (type == null || type == Type.NONE) {
            return NONE;
        }
        if (type == Type.HTTP || type == Type.SOCKS5) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("proxyType " + type.name().toLowerCase(Locale.ROOT)
                        + " needs proxyHost");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxyType " + type.name().toLowerCase(Locale.ROOT)
                        + " needs proxyPort 1..65535, was " + port);
            }
        }
        if (password != null && (userName == null || userName.isEmpty())) {
            throw new IllegalArgumentException("A proxy password needs a proxy user name (proxyUserName)");
        }
        return new ProxyOptions(type, host == null ? null : host.trim(), port, userName,
                password == null ? null : password.clone());
    }

    public Type type() {
        return type;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String userName() {
        return userName;
    }

    public char[] password() {
        return password == null ? null : password.clone();
    }

    @Override
    public String toString() {
        if (type == Type.NONE) {
            return "ProxyOptions[none]";
        }
        return "ProxyOptions[" + type.name().toLowerCase(Locale.ROOT) + (host == null ? "" : " " + host + ":" + port)
                + ", userName=" + (userName == null ? "none" : userName) + ", password="
                + (password == null ? "none" : "******") + "]";
    }
}
