package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.options.ProxyOptions;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * The proxy one connection attempt goes through: its kind, resolved address and credentials. Chosen per attempt,
 * because {@link ProxyOptions.Type#SYSTEM} asks the JVM's {@link ProxySelector} per broker (and its answer may
 * change). The password is never printed.
 */
final class ProxyRoute {

    private final ProxyOptions.Type type;
    private final InetSocketAddress address;
    private final String userName;
    private final String password;
    private final String origin;

    private ProxyRoute(ProxyOptions.Type type, InetSocketAddress address, String userName, String password, String origin) {
        this.type = type;
        this.address = address;
        this.userName = userName;
        this.password = password;
        this.origin = origin;
    }

    /** The proxy for {@code server}, or null to connect directly. Resolves the proxy's host name (not the broker's). */
    static ProxyRoute select(ProxyOptions options, ServerAddress server) {
        return switch (options.type()) {
            case NONE -> null;
            case HTTP, SOCKS5 -> new ProxyRoute(options.type(), resolve(options.host(), options.port()),
                    options.userName(), password(options.password()), "proxyType=" + options.type().name().toLowerCase(
                            java.util.Locale.ROOT));
            case SYSTEM -> fromSystem(options, server);
        };
    }

    private static ProxyRoute fromSystem(ProxyOptions options, ServerAddress server) {
        ProxySelector selector = ProxySelector.getDefault();
        if (selector == null) {
            return null;
        }
        // A raw socket asks for socket:// (SOCKS: socksProxyHost); a tunnel through an HTTP proxy is what an https://
        // connection would use (https.proxyHost). The selector applies http.nonProxyHosts / useSystemProxies itself.
        for (String scheme : List.of("socket", "https")) {
            URI uri = URI.create(scheme + "://" + (server.host().contains(":") ? "[" + server.host() + "]" : server.host())
                    + ":" + server.port());
            for (Proxy proxy : selector.select(uri)) {
                if (proxy.type() == Proxy.Type.DIRECT || !(proxy.address() instanceof InetSocketAddress at)) {
                    continue;
                }
                ProxyOptions.Type type = proxy.type() == Proxy.Type.SOCKS ? ProxyOptions.Type.SOCKS5 : ProxyOptions.Type.HTTP;
                InetSocketAddress address = resolve(at.getHostString(), at.getPort());
                String user = options.userName();
                String password = password(options.password());
                if (user == null && type == ProxyOptions.Type.SOCKS5) {
                    user = System.getProperty("java.net.socks.username");
                    password = System.getProperty("java.net.socks.password");
                }
                if (user == null) {
                    PasswordAuthentication asked = Authenticator.requestPasswordAuthentication(at.getHostString(),
                            address.getAddress(), at.getPort(), type == ProxyOptions.Type.SOCKS5 ? "SOCKS5" : "http",
                            "proxy for " + server.uri(), type == ProxyOptions.Type.SOCKS5 ? "SOCKS5" : "basic", null,
                            Authenticator.RequestorType.PROXY);
                    if (asked != null) {
                        user = asked.getUserName();
                        password = new String(asked.getPassword());
                    }
                }
                return new ProxyRoute(type, address, user, password, "JVM proxy settings (" + scheme + "://)");
            }
        }
        return null;
    }

    private static String password(char[] password) {
        return password == null ? null : new String(password);
    }

    private static InetSocketAddress resolve(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new MqttConnectionLostException("Cannot resolve the proxy host '" + host + "'");
        }
        return address;
    }

    /** A new Netty proxy handler (one per channel); it gives up after {@code timeoutMillis}. */
    ProxyHandler newHandler(long timeoutMillis) {
        ProxyHandler handler = switch (type) {
            case HTTP -> userName == null ? new HttpProxyHandler(address)
                    : new HttpProxyHandler(address, userName, password == null ? "" : password);
            case SOCKS5 -> new Socks5ProxyHandler(address, userName, password);
            default -> throw new IllegalStateException("not a proxy: " + type);
        };
        handler.setConnectTimeoutMillis(timeoutMillis);
        return handler;
    }

    ProxyOptions.Type type() {
        return type;
    }

    SocketAddress address() {
        return address;
    }

    boolean hasCredentials() {
        return userName != null;
    }

    /** e.g. "HTTP proxy 127.0.0.1:3128 (user alice)"; never the password. */
    String describe() {
        return (type == ProxyOptions.Type.HTTP ? "HTTP proxy " : "SOCKS5 proxy ") + address.getHostString() + ":"
                + address.getPort() + (userName == null ? "" : " (user " + userName + ")")
                + (origin.startsWith("JVM") ? " from the " + origin : "");
    }

    @Override
    public String toString() {
        return "ProxyRoute[" + describe() + "]";
    }
}
