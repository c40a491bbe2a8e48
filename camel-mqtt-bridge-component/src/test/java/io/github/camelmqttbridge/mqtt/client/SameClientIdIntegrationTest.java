package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.SHARED_MOSQUITTO;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueClientId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Two clients with one client id on Mosquitto 2.0.11, which takes the session over by closing the older connection
 * without DISCONNECT 0x8E: the back-off grows instead of starting over at each CONNACK (24 take-overs in 5 s before),
 * and the error names the likely cause.
 */
class SameClientIdIntegrationTest {

    @Test
    void twoClientsWithOneClientIdOnMosquittoSlowDownAndSayWhy() {
        String clientId = uniqueClientId("twin");
        List<Long> delays = new CopyOnWriteArrayList<>();
        ConnectionListener recorder = new ConnectionListener() {
            @Override
            public void reconnecting(int attempt, long delayMillis, Throwable lastError) {
                delays.add(delayMillis);
            }
        };
        try (MqttClient a = new MqttClient(options(SHARED_MOSQUITTO, MqttVersion.V5).clientId(clientId)
                        .maxReconnectDelay(Duration.ofSeconds(4)).build());
                MqttClient b = new MqttClient(options(SHARED_MOSQUITTO, MqttVersion.V5).clientId(clientId)
                        .maxReconnectDelay(Duration.ofSeconds(4)).build())) {
            a.addConnectionListener(recorder);
            b.addConnectionListener(recorder);
            await(a.connect());
            await(b.connect());
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of(a, b).stream().anyMatch(c -> c.lastError() != null
                    && c.lastError().getMessage().contains("another client connecting with client id '" + clientId + "'")));
            await().atMost(Duration.ofSeconds(30)).until(() -> delays.size() >= 8);
        }
        System.out.println("SameClientIdIntegrationTest: delays " + delays);
        // four each: the fourth waits 400-800 ms, not 100 ms as when every CONNACK started the back-off over
        assertThat(delays.get(delays.size() - 1)).as("the back-off grew (delays %s)", delays).isGreaterThanOrEqualTo(400);
    }
}
