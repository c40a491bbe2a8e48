package io.github.camelmqttbridge.mqtt.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A wrong password with automatic reconnect on: the client keeps trying, but backs off instead of storming the broker. */
class WrongPasswordBackoffTest {

    @Test
    void wrongPasswordRetriesWithGrowingDelays() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("alice", "right-password")).start()) {
            MqttClient client = new MqttClient(MqttClientOptions.builder().serverUri(broker.tcpUrl())
                    .version(MqttVersion.V5).clientId("storm-check").userName("alice")
                    .password("wrong-password".getBytes(StandardCharsets.UTF_8)).automaticReconnect(true)
                    .minReconnectDelay(Duration.ofMillis(100)).maxReconnectDelay(Duration.ofSeconds(2)).build());
            List<Long> delays = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            client.addConnectionListener(new ConnectionListener() {
                @Override
                public void reconnecting(int attempt, long delayMillis, Throwable lastError) {
                    delays.add(delayMillis);
                    errors.add(lastError);
                }
            });
            try {
                client.connect();
                Thread.sleep(6_000);
            } finally {
                client.close();
            }
            System.out.println("WrongPasswordBackoffTest: " + delays.size() + " retries in 6 s, delays " + delays);
            assertThat(delays.size()).as("retries in 6 s (delays %s)", delays).isBetween(2, 10);
            assertThat(delays.get(delays.size() - 1)).as("the delay has grown").isGreaterThanOrEqualTo(400);
            assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(MqttConnectionRefusedException.class)
                    .hasMessageContaining("not authorized (0x87)").hasMessageContaining(broker.tcpUrl()));
        }
    }
}
