package io.github.camelmqttbridge.mqtt.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostile MQTT "broker" for tests: a plain {@link ServerSocket} on 127.0.0.1 driven by the test thread. It
 * accepts one connection at a time, answers CONNECT and SUBSCRIBE correctly, and then sends whatever bytes the
 * test wants. No Netty on this side, so nothing here can hide or cause a problem in the client's pipeline.
 */
final class FakeBroker implements AutoCloseable {

    private final ServerSocket server;

    FakeBroker() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Waits for the client to (re)connect. */
    Session accept(int timeoutMillis) throws IOException {
        server.setSoTimeout(timeoutMillis);
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        return new Session(socket);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A control packet as read from the client. */
    record Packet(int header, byte[] body) {
        int type() {
            return header >>> 4;
        }
    }

    /** What happened after the hostile bytes: did the client close, and what did it send before? */
    record Outcome(boolean clientClosed, List<Packet> received, long millis) {
        /** The reason code of the client's DISCONNECT, or -1 when it sent none. */
        int disconnectReason() {
            for (Packet p : received) {
                if (p.type() == 14) {
                    return p.body().length == 0 ? 0 : p.body()[0] & 0xFF;
                }
            }
            return -1;
        }
    }

    static final class Session implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int protocolLevel;
        private int connects;

        Session(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        boolean v5() {
            return protocolLevel == 5;
        }

        /** Reads CONNECT, answers with an accepting CONNACK; then answers the client's SUBSCRIBE(s), if any. */
        void handshake(int expectedSubscribes) throws IOException {
            socket.setSoTimeout(5_000);
            Packet connect = readPacket();
            if (connect == null || connect.type() != 1) {
                throw new IOException("expected CONNECT, got " + connect);
            }
            connects++;
            protocolLevel = connect.body()[6];
            send(v5() ? new byte[] {0x20, 0x03, 0x00, 0x00, 0x00} : new byte[] {0x20, 0x02, 0x00, 0x00});
            for (int i = 0; i < expectedSubscribes; i++) {
                Packet subscribe = readPacket();
                if (subscribe == null || subscribe.type() != 8) {
                    throw new IOException("expected SUBSCRIBE, got " + subscribe);
                }
                byte[] b = subscribe.body();
                send(v5() ? new byte[] {(byte) 0x90, 0x04, b[0], b[1], 0x00, 0x02}
                        : new byte[] {(byte) 0x90, 0x03, b[0], b[1], 0x02});
            }
        }

        /** How long a read waits before it fails with SocketTimeoutException. */
        void readTimeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        Packet readPacket() throws IOException {
            int header = in.read();
            if (header < 0) {
                return null;
            }
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            byte[] body = in.readNBytes(length);
            return body.length == length ? new Packet(header, body) : null;
        }

        /**
         * Waits up to {@code graceMillis} for the client to close the connection, collecting what it sends.
         * A reset counts as closed.
         */
        Outcome awaitClientClose(long graceMillis) throws IOException {
            long start = System.nanoTime();
            long deadline = start + graceMillis * 1_000_000;
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean closed = false;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    got.write(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (SocketException e) {
                    closed = true;
                    break;
                }
            }
            return new Outcome(closed, parse(got.toByteArray()), (System.nanoTime() - start) / 1_000_000);
        }

        /** Closes the socket with a RST instead of a FIN (SO_LINGER 0) when {@code reset}. */
        void close(boolean reset) {
            try {
                if (reset) {
                    socket.setSoLinger(true, 0);
                }
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }

        @Override
        public void close() {
            close(false);
        }

        private static List<Packet> parse(byte[] bytes) {
            List<Packet> packets = new ArrayList<>();
            int i = 0;
            while (i < bytes.length) {
                int header = bytes[i++] & 0xFF;
                int length = 0;
                int shift = 0;
                while (true) {
                    if (i >= bytes.length) {
                        return packets;
                    }
                    int b = bytes[i++] & 0xFF;
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                if (i + length > bytes.length) {
                    return packets;
                }
                byte[] body = new byte[length];
                System.arraycopy(bytes, i, body, 0, length);
                packets.add(new Packet(header, body));
                i += length;
            }
            return packets;
        }
    }
}
