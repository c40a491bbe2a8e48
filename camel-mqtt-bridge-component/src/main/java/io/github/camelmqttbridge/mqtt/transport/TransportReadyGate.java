package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttTransportException.Failure;
import io.github.camelmqttbridge.mqtt.error.MqttTransportException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.proxy.HttpProxyHandler.HttpProxyConnectException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyConnectionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * The last transport handler: the MQTT handlers behind it see {@code channelActive} only once the way to the
 * broker is ready (proxy tunnel up, TLS handshake done, WebSocket upgraded), so CONNECT is never written into a
 * half-built tunnel and the connect timeout measures MQTT alone. Failures of the transport stages become
 * {@link MqttTransportException}s in words (a refused proxy password, a 404 on the WebSocket path...) before they
 * reach the connect handler, which fails the attempt with them.
 */
final class TransportReadyGate extends ChannelInboundHandlerAdapter {

    /** The last stage of the transport; the gate opens when it reports success. */
    enum LastStage {
        SOCKET, PROXY, TLS, WEBSOCKET
    }

    private final String serverUri;
    private final LastStage last;
    private final ProxyRoute proxy;
    private boolean open;

    TransportReadyGate(String serverUri, LastStage last, ProxyRoute proxy) {
        this.serverUri = serverUri;
        this.last = last;
        this.proxy = proxy;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (last == LastStage.SOCKET) {
            open(ctx);
        }
        // otherwise held back until the last stage reports
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!open) {
            if (event instanceof ProxyConnectionEvent && last == LastStage.PROXY) {
                open(ctx);
            } else if (event instanceof SslHandshakeCompletionEvent tls) {
                if (!tls.isSuccess()) {
                    // A handshake time-out only closes the channel: hand its cause on so the attempt fails in words.
                    ctx.fireExceptionCaught(describe(tls.cause()));
                } else if (last == LastStage.TLS) {
                    open(ctx);
                }
            } else if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE && last == LastStage.WEBSOCKET) {
                open(ctx);
            } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                ctx.fireExceptionCaught(new MqttTransportException(Failure.WEBSOCKET_HANDSHAKE, "WebSocket handshake with "
                        + serverUri + " failed: no answer to the upgrade request in time" + via(), null));
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    private void open(ChannelHandlerContext ctx) {
        open = true;
        ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(open ? cause : describe(cause));
    }

    private Throwable describe(Throwable failure) {
        if (failure instanceof MqttClientException) {
            return failure;
        }
        // A refused proxy fails the writes queued behind it first (a TLS ClientHello, the WebSocket upgrade): those
        // failures carry the proxy's answer, which is the one worth reporting.
        Throwable cause = proxyFailureIn(failure);
        if (cause instanceof HttpProxyConnectException http && proxy != null) {
            String status = statusOf(http.getMessage());
            // 407 is the standard answer; tinyproxy answers a wrong Basic password with 401
            if (status.startsWith("407") || status.startsWith("401")) {
                return new MqttTransportException(Failure.PROXY_AUTHENTICATION, proxy.describe() + " refused "
                        + (proxy.hasCredentials() ? "the proxy user name / password" : "to connect without credentials"
                        + " (set proxyUserName and proxyPassword)") + " (" + status + ") on the way to " + serverUri, http);
            }
            return new MqttTransportException(Failure.PROXY, proxy.describe() + " did not open a tunnel to " + serverUri
                    + " (" + (status.isEmpty() ? http.getMessage() : status) + ")", http);
        }
        if (cause instanceof ProxyConnectException p && proxy != null) {
            String message = String.valueOf(p.getMessage());
            if (message.contains("authStatus: ")) {
                return new MqttTransportException(Failure.PROXY_AUTHENTICATION, proxy.describe()
                        + " refused the proxy user name / password (SOCKS5 authentication failed) on the way to " + serverUri, p);
            }
            if (message.contains("unexpected authMethod")) {
                return new MqttTransportException(Failure.PROXY_AUTHENTICATION, proxy.describe() + " accepts none of our"
                        + " authentication methods" + (proxy.hasCredentials() ? "" : ": it needs a user name and password"
                        + " (set proxyUserName and proxyPassword)") + " (" + afterLastComma(message) + ")", p);
            }
            if (message.contains("timeout")) {
                return new MqttTransportException(Failure.PROXY, proxy.describe() + " did not connect us to " + serverUri
                        + " in time", p);
            }
            return new MqttTransportException(Failure.PROXY, proxy.describe() + " did not connect us to " + serverUri
                    + " (" + afterLastComma(message) + ")", p);
        }
        cause = failure;
        if (cause instanceof WebSocketClientHandshakeException ws) {
            HttpResponse response = ws.response();
            String detail = response != null && !response.status().equals(io.netty.handler.codec.http.HttpResponseStatus.SWITCHING_PROTOCOLS)
                    ? "HTTP " + response.status() + " to the upgrade request (is the path right?)"
                    : ws.getMessage();
            return new MqttTransportException(Failure.WEBSOCKET_HANDSHAKE, "WebSocket handshake with " + serverUri
                    + " failed: " + detail + via(), ws);
        }
        return cause;
    }

    private static Throwable proxyFailureIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProxyConnectException) {
                return t;
            }
        }
        return failure;
    }

    private String via() {
        return proxy == null ? "" : " (through " + proxy.describe() + ")";
    }

    /** Netty's HTTP proxy message ends with "status: 407 Proxy Authentication Required". */
    private static String statusOf(String message) {
        int at = message == null ? -1 : message.lastIndexOf("status: ");
        return at < 0 ? "" : message.substring(at + "status: ".length()).trim();
    }

    private static String afterLastComma(String message) {
        int at = message.lastIndexOf(", ");
        return at < 0 ? message : message.substring(at + 2);
    }
}
