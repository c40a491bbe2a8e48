package io.github.camelmqttbridge.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends hand-made MQTT 3.1.1 packets to check a broker's auth setup: a CONNECT (returns the CONNACK return code), or
 * a CONNECT and a SUBSCRIBE (returns the SUBACK code: the granted QoS or 0x80).
 */
final class MqttConnectProbe {

    private MqttConnectProbe() {
    }

    /** SUBACK code 0x80: the broker refused the subscription. */
    static final int SUBSCRIPTION_REFUSED = 0x80;
    /** What {@link #subscribe} returns when the broker closed the connection instead of answering. */
    static final int CONNECTION_CLOSED = -1;

    static int connect(int port, String user, String password) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return connect(socket, user, password);
        }
    }

    /** Connects, subscribes to {@code filter} with QoS {@code qos}; the SUBACK code, or {@link #CONNECTION_CLOSED}. */
    static int subscribe(int port, String user, String password, String filter, int qos) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            int connack = connect(socket, user, password);
            if (connack != 0) {
                throw new IOException("CONNACK return code " + connack);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(1); // packet id 1
            writeString(body, filter);
            body.write(qos);
            OutputStream out = socket.getOutputStream();
            out.write(0x82);
            out.write(body.size()); // < 128 bytes
            body.writeTo(out);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.read();
            if (type < 0) {
                return CONNECTION_CLOSED;
            }
            byte[] suback = new byte[5]; // type, remaining length 3, packet id, one return code
            suback[0] = (byte) type;
            try {
                in.readFully(suback, 1, 4);
            } catch (java.io.EOFException | java.net.SocketException closed) {
                return CONNECTION_CLOSED;
            }
            if ((suback[0] & 0xFF) != 0x90 || suback[1] != 3) {
                throw new IOException("Not a SUBACK: " + java.util.Arrays.toString(suback));
            }
            return suback[4] & 0xFF;
        } catch (java.net.SocketException reset) {
            return CONNECTION_CLOSED;
        }
    }

    private static int connect(Socket socket, String user, String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0b1100_0010); // user name, password, clean session
        body.write(0);
        body.write(30); // keep alive seconds
        writeString(body, "probe-" + System.nanoTime());
        writeString(body, user);
        writeString(body, password);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(0x10);
        out.write(body.size()); // < 128 bytes, so one length byte
        body.writeTo(out);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] connack = new byte[4];
        in.readFully(connack);
        if (connack[0] != 0x20 || connack[1] != 2) {
            throw new IOException("Not a CONNACK: " + java.util.Arrays.toString(connack));
        }
        return connack[3];
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
