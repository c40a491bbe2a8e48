package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP connections from a free 127.0.0.1 port to a target, and can break them the ways networks do:
 * {@link #blackhole()} silently holds all bytes (no FIN, no RST, like a cut cable), {@link #dropAll()} resets.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket serverSocket;
    private final ForwardingGate gate = new ForwardingGate();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy forwarding to {@code targetHost:targetPort}; the target is connected per client. */
    public static TcpProxy start(String targetHost, int targetPort) {
        try {
            return new TcpProxy(targetHost, targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a listening socket for a proxy to "
                    + targetHost + ":" + targetPort, e);
        }
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port();
    }

    /**
     * Stops forwarding in both directions without closing anything: bytes, FINs and resets are held, as on a
     * cut network path, until {@link #restore()}. New connections are accepted but held the same way.
     */
    public void blackhole() {
        gate.close();
    }

    /** Forwards again, including whatever was held while black-holed. */
    public void restore() {
        gate.open();
    }

    public boolean isBlackholed() {
        return !gate.isOpen();
    }

    /** Resets every current connection (SO_LINGER 0): both the client and the target see a RST. */
    public void dropAll() {
        List.copyOf(connections).forEach(ProxiedConnection::closeAbruptly);
    }

    /** Connections accepted and not yet closed. */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops accepting and resets all connections. */
    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // the acceptor ends either way
        }
        dropAll();
        gate.open();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            forward(client);
        }
    }

    private void forward(Socket client) {
        Socket upstream = new Socket();
        try {
            // Without Nagle's delay the proxy adds no latency that timing-sensitive tests would notice.
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException targetDown) {
            // Like a refused connection: the client sees a reset right away.
            resetQuietly(client);
            resetQuietly(upstream);
            return;
        }
        ProxiedConnection connection = new ProxiedConnection(client, upstream, gate, connections::remove);
        connections.add(connection);
        connection.start();
    }

    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
