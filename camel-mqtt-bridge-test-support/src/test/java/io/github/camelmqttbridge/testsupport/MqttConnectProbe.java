package io.github.camelmqttbridge.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends a hand-made MQTT 3.1.1 CONNECT and returns the CONNACK return code, to check a broker's auth setup. */
final class MqttConnectProbe {

    private MqttConnectProbe() {
    }

    static int connect(int port, String user, String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0b1100_0010); // user name, password, clean session
        body.write(0);
        body.write(30); // keep alive seconds
        writeString(body, "probe-" + System.nanoTime());
        writeString(body, user);
        writeString(body, password);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
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
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }
}
