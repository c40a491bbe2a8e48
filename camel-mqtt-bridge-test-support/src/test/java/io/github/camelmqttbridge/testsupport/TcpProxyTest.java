package io.github.camelmqttbridge.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private EchoServer echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoAndProxy() throws IOException {
        echo = new EchoServer();
        proxy = TcpProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBytesBothWays() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "hello");
            assertThat(receive(socket, 5)).isEqualTo("hello");
            assertThat(proxy.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void blackholeHoldsBytesUntilRestored() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "before");
            assertThat(receive(socket, 6)).isEqualTo("before");

            proxy.blackhole();
            send(socket, "during");
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(socket.isClosed()).isFalse();
            assertThat(proxy.connectionCount()).isEqualTo(1);

            proxy.restore();
            socket.setSoTimeout(5_000);
            assertThat(receive(socket, 6)).isEqualTo("during");
            send(socket, "after");
            assertThat(receive(socket, 5)).isEqualTo("after");
        }
    }

    @Test
    void dropAllResetsConnections() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "x");
            assertThat(receive(socket, 1)).isEqualTo("x");

            proxy.dropAll();

            assertThat(proxy.connectionCount()).isZero();
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(IOException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void closedClientConnectionIsNoLongerCounted() throws IOException {
        try (Socket first = connect()) {
            send(first, "1");
            assertThat(receive(first, 1)).isEqualTo("1");
            try (Socket second = connect()) {
                send(second, "2");
                assertThat(receive(second, 1)).isEqualTo("2");
                assertThat(proxy.connectionCount()).isEqualTo(2);
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String receive(Socket socket, int length) throws IOException {
        byte[] bytes = new byte[length];
        new DataInputStream(socket.getInputStream()).readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
