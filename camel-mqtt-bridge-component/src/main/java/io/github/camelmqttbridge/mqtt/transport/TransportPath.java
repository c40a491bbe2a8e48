package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One connection attempt's way to the broker: adds the transport handlers to a new channel and connects it.
 * Through a proxy, the broker's host name is handed to the proxy unresolved (it resolves it, as a browser's proxy
 * would); directly, Netty resolves it as before.
 */
public final class TransportPath {

    /** Upgrade responses are small; a larger one is not a WebSocket upgrade. */
    private static final int MAX_HANDSHAKE_RESPONSE = 64 * 1024;

    private final MqttClientOptions options;
    private final SslContext sslContext;
    private final ServerAddress server;
    private final ProxyRoute proxy;

    TransportPath(MqttClientOptions options, SslContext sslContext, ServerAddress server, ProxyRoute proxy) {
        this.options = options;
        this.sslContext = sslContext;
        this.server = server;
        this.proxy = proxy;
    }

    /** Adds proxy, TLS and WebSocket handlers as this path needs, and the gate after them. Call from initChannel. */
    public void addTransportHandlers(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        String serverUri = server.uri().toString();
        long timeoutMillis = options.connectTimeout().toMillis();
        TransportReadyGate.LastStage last = TransportReadyGate.LastStage.SOCKET;
        if (proxy != null) {
            p.addLast("proxy", proxy.newHandler(timeoutMillis));
            last = TransportReadyGate.LastStage.PROXY;
        }
        if (server.tls()) {
            SslHandler tls = TlsContextFactory.newHandler(sslContext, ch.alloc(), server.host(), server.port(),
                    options.tls().hostnameVerification());
            tls.setHandshakeTimeoutMillis(timeoutMillis);
            p.addLast("tls", tls);
            last = TransportReadyGate.LastStage.TLS;
        }
        if (server.webSocket()) {
            HttpHeaders headers = new DefaultHttpHeaders();
            for (Map.Entry<String, String> h : options.webSocket().headers().entrySet()) {
                headers.add(h.getKey(), h.getValue());
            }
            List<String> subprotocols = options.webSocket().subprotocolsFor(options.version());
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(server.webSocketUri())
                    .subprotocol(String.join(",", subprotocols))
                    .version(WebSocketVersion.V13)
                    .allowExtensions(false)
                    .customHeaders(headers)
                    // a frame may hold a whole packet and the start of the next; InboundFrameGuard limits packets
                    .maxFramePayloadLength((int) Math.min(Integer.MAX_VALUE, (long) options.maximumPacketSize() + 65536))
                    .handshakeTimeoutMillis(timeoutMillis)
                    .handleCloseFrames(true)
                    .dropPongFrames(true)
                    .build();
            p.addLast("http", new HttpClientCodec());
            p.addLast("httpAggregator", new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE));
            p.addLast("wsSubprotocol", new SubprotocolAnswerFix(subprotocols));
            p.addLast("ws", new WebSocketClientProtocolHandler(config));
            p.addLast("wsFrames", new WebSocketFrameCodec(serverUri));
            last = TransportReadyGate.LastStage.WEBSOCKET;
        }
        p.addLast("transportReady", new TransportReadyGate(serverUri, last, proxy));
    }

    /** Connects {@code bootstrap} (already configured with loop, channel and handler) along this path. */
    public ChannelFuture connect(Bootstrap bootstrap) {
        if (proxy == null) {
            return bootstrap.connect(server.host(), server.port());
        }
        // The proxy handler swaps in the proxy's address and asks the proxy for the broker by name.
        return bootstrap.resolver(NoopAddressResolverGroup.INSTANCE)
                .connect(InetSocketAddress.createUnresolved(server.host(), server.port()));
    }

    /** The error for a socket that could not be opened (to the broker, or to the proxy). */
    public MqttConnectionLostException connectFailed(Throwable cause) {
        String uri = server.uri().toString();
        if (proxy != null) {
            return new MqttConnectionLostException("Cannot connect to " + uri + ": " + proxy.describe()
                    + " is not reachable: " + cause.getMessage(), cause);
        }
        return new MqttConnectionLostException("Cannot connect to " + uri + ": " + cause.getMessage(), cause);
    }

    @Override
    public String toString() {
        return "TransportPath[" + server.uri() + (proxy == null ? "" : " via " + proxy.describe()) + "]";
    }
}
