package io.github.camelmqttbridge.mqtt.transport;

import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.handler.ssl.SslContext;
import java.net.URI;

/**
 * How one client reaches its brokers: TCP or WebSocket, with or without TLS, directly or through a proxy. Made
 * once per client (the TLS context is built here, once); {@link #pathTo(URI)} plans each connection attempt.
 *
 * <p>The pipeline of one connection, head first:
 * <pre>
 *   proxy     HttpProxyHandler | Socks5ProxyHandler        (proxy set)
 *   tls       SslHandler, host name verification on         (ssl://, mqtts://, tls://, wss://)
 *   http, ws  HttpClientCodec, HttpObjectAggregator, SubprotocolAnswerFix,
 *             WebSocketClientProtocolHandler, WebSocketFrameCodec   (ws://, wss://)
 *   ready     TransportReadyGate: channelActive for the MQTT handlers once all of the above is up
 *   ...       the MQTT handlers (PipelineAssembler)
 * </pre>
 */
public final class MqttTransport {

    private final MqttClientOptions options;
    private final SslContext sslContext;

    private MqttTransport(MqttClientOptions options, SslContext sslContext) {
        this.options = options;
        this.sslContext = sslContext;
    }

    /** Builds the TLS context when any server URI needs TLS; throws {@code MqttClientException} if it cannot. */
    public static MqttTransport create(MqttClientOptions options) {
        boolean anyTls = options.serverUris().stream().anyMatch(ServerAddress::isTls);
        return new MqttTransport(options, anyTls ? TlsContextFactory.create(options.tls()) : null);
    }

    /**
     * The plan for one connection attempt to {@code uri}: which proxy (asked anew each time for the JVM's proxy
     * settings), which handlers, which address to connect to. Call on the client's event loop.
     */
    public TransportPath pathTo(URI uri) {
        ServerAddress server = ServerAddress.of(uri);
        return new TransportPath(options, sslContext, server, ProxyRoute.select(options.proxy(), server));
    }
}
