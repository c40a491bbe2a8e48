package io.github.camelmqttbridge.runner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Local TCP ports on 127.0.0.1 for the embedded brokers. */
final class Ports {

    private Ports() {
    }

    /**
     * Whether a server could listen on the port now. Checked the way servers bind (SO_REUSEADDR, as Netty's and
     * Kafka's listeners do on Linux): connections of a broker that just stopped, still in TIME_WAIT, do not make its
     * port look taken, so a restart gets the same port again.
     */
    static boolean free(int port) {
        if (port <= 0 || port > 65535) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int anyFree() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
