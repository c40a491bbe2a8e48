package io.github.camelmqttbridge.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.SubscribeResult;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A broker that accepts the connection and then drops it when the SUBSCRIBE arrives (Moquette 0.17 does this
 * now and then when a SUBSCRIBE follows its CONNACK at once). Without automatic reconnect nothing would ever send
 * that SUBSCRIBE again, so its future must fail with the reason instead of staying open.
 */
class SubscribeOnLostConnectionTest {

    @Test
    void aSubscribeWaitingWhenTheConnectionIsLostFailsWhenAutomaticReconnectIsOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> droppedOnPacketType = new CompletableFuture<>();
            Thread broker = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    skipPacket(in); // CONNECT
                    out.write(new byte[] {0x20, 0x02, 0x00, 0x00}); // CONNACK, 3.1.1, accepted
                    out.flush();
                    droppedOnPacketType.complete(skipPacket(in) >> 4); // the SUBSCRIBE: drop the connection
                } catch (Exception e) {
                    droppedOnPacketType.completeExceptionally(e);
                }
            }, "dropping-broker");
            broker.setDaemon(true);
            broker.start();

            MqttClient client = new MqttClient(MqttClientOptions.builder()
                    .serverUri("tcp://127.0.0.1:" + server.getLocalPort()).clientId("drop-on-subscribe")
                    .version(MqttVersion.V3_1_1).automaticReconnect(false).build());
            try {
                client.connect().get(10, TimeUnit.SECONDS);
                CompletableFuture<SubscribeResult> subscribed = client.subscribe("a/b", 1, m -> { });
                assertThat(droppedOnPacketType.get(10, TimeUnit.SECONDS)).as("packet type 8 = SUBSCRIBE").isEqualTo(8);
                assertThatThrownBy(() -> subscribed.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasRootCauseInstanceOf(Exception.class)
                        .cause().hasMessageContaining("lost before the broker answered the SUBSCRIBE")
                        .hasMessageContaining("automaticReconnect is off");
            } finally {
                client.close();
            }
        }
    }

    /** Reads one MQTT packet and returns its first byte. */
    private static int skipPacket(InputStream in) throws Exception {
        int header = in.read();
        int length = 0;
        int shift = 0;
        int b;
        do {
            b = in.read();
            length |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        in.readNBytes(length);
        return header;
    }
}
