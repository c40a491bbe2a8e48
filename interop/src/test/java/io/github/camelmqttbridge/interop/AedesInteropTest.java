package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.AedesBroker;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Aedes (Node.js, MQTT 3.1.1, in-memory persistence) from npm, installed into target/aedes on the first run, with
 * an authenticate hook (one user) and an authorizeSubscribe hook (refuses filters under {@code forbidden/}). It
 * delivers QoS 2 messages again after a subscriber reconnects: the QoS 2 streams run mosquitto_sub alongside ours
 * to show it.
 */
class AedesInteropTest extends InteropScenarios {

    @Override
    protected InteropBroker startBroker(Path workDir) {
        String user = "interop";
        String password = UUID.randomUUID().toString();
        AedesBroker aedes = AedesBroker.builder()
                .installDirectory(Path.of(System.getProperty("interop.aedes.dir", "target/aedes")))
                .user(user, password).denySubscribe("forbidden/").start();
        return new RunningBroker("aedes", "Aedes " + aedes.version() + " (Node.js " + Commands.firstLine("node",
                "--version").replace("v", "") + ")", aedes.tcpUrl(),
                Capabilities.complete(MqttVersion.V3_1_1).withQos2DuplicatesAfterReconnect(), user, password, aedes::close);
    }
}
