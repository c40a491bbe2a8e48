package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mosquitto 2.0 (the Debian package) as a child process of its own, MQTT 5 and 3.1.1. Users and the refused
 * subscription come from its dynamic security plugin: an acl_file would not refuse a SUBSCRIBE, only filter what
 * it delivers. No queue limit (the default max_queued_messages 1000 drops QoS 1/2 messages of a long stream while
 * the consumer is away).
 */
class MosquittoInteropTest extends InteropScenarios {

    @Override
    protected InteropBroker startBroker(Path workDir) {
        String user = "interop";
        String password = UUID.randomUUID().toString();
        MosquittoBroker mosquitto = MosquittoBroker.builder()
                .dynamicSecurity(Map.of(user, password), List.of("forbidden/#"))
                .extraConfig("max_queued_messages 0").start();
        String product = "Mosquitto " + Commands.firstLine(Commands.executable("mosquitto", "/usr/sbin/mosquitto"), "-h").replaceAll(".*version ", "").strip();
        return new RunningBroker("mosquitto", product, mosquitto.tcpUrl(),
                Capabilities.complete(MqttVersion.V5, MqttVersion.V3_1_1), user, password, mosquitto::close);
    }
}
