package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** One client connection through a {@link TcpProxy}: a socket pair and a pump thread per direction. */
final class ProxiedConnection {

    private final Socket client;
    private final Socket upstream;
    private final ForwardingGate gate;
    private final Consumer<ProxiedConnection> onClosed;
    private final AtomicInteger openDirections = new AtomicInteger(2);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread clientToUpstream;
    private final Thread upstreamToClient;

    ProxiedConnection(Socket client, Socket upstream, ForwardingGate gate, Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.upstream = upstream;
        this.gate = gate;
        this.onClosed = onClosed;
        String name = "tcp-proxy-" + client.getPort() + "-" + upstream.getPort();
        this.clientToUpstream = new Thread(() -> pump(client, upstream), name + "-up");
        this.upstreamToClient = new Thread(() -> pump(upstream, client), name + "-down");
        clientToUpstream.setDaemon(true);
        upstreamToClient.setDaemon(true);
    }

    void start() {
        clientToUpstream.start();
        upstreamToClient.start();
    }

    /** Closes both sockets with SO_LINGER 0, so both peers get a RST instead of a FIN. */
    void closeAbruptly() {
        if (closed.compareAndSet(false, true)) {
            reset(client);
            reset(upstream);
            clientToUpstream.interrupt();
            upstreamToClient.interrupt();
            onClosed.accept(this);
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                // Checked after the read: bytes that arrive while the path is cut are held, not delivered.
                gate.awaitOpen();
                out.write(buffer, 0, read);
                out.flush();
            }
            // A cut path would not carry the FIN either.
            gate.awaitOpen();
            to.shutdownOutput();
            if (openDirections.decrementAndGet() == 0) {
                closeGracefully();
            }
        } catch (IOException e) {
            // One side reset or the connection was dropped: pass the reset on once the path is up.
            awaitOpenQuietly();
            closeAbruptly();
        } catch (InterruptedException e) {
            closeAbruptly();
        }
    }

    private void awaitOpenQuietly() {
        try {
            gate.awaitOpen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeGracefully() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(client);
            closeQuietly(upstream);
            onClosed.accept(this);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // closing below is all that is left to do
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing useful to do in a test proxy
        }
    }
}
