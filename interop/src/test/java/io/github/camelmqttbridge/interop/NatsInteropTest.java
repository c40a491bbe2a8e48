package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.interop.InteropBroker.Qos2Publish;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.NatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * nats-server's MQTT listener (3.1.1, QoS 0 and 1, sessions in JetStream), a server of our own with one user whose
 * subscribe permission denies the subjects {@code forbidden.>} (SUBACK 0x80). A QoS 2 subscription is granted QoS 1;
 * a QoS 2 PUBLISH makes it close the connection. A resumed session gets the messages it had left unacknowledged
 * only after the listener's ack_wait (30 s by default, 5 s here to keep the run short).
 */
class NatsInteropTest extends InteropScenarios {

    private static final Duration ACK_WAIT = Duration.ofSeconds(5);

    @Override
    protected InteropBroker startBroker(Path workDir) {
        String user = "interop";
        String password = UUID.randomUUID().toString();
        // ack_wait 5 s instead of 30: NATS re-sends what a resumed session left unacknowledged only after it
        NatsServer nats = NatsServer.builder().user(user, password, "forbidden.>").mqttAckWait(ACK_WAIT).start();
        String version = nats.version().replaceAll(".*v", "");
        return new RunningBroker("nats", "NATS " + version + " MQTT", nats.mqttUrl(),
                Capabilities.complete(MqttVersion.V3_1_1).withQos2Publish(Qos2Publish.CONNECTION_CLOSED, 1),
                user, password, nats::close);
    }
}
