package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.interop.InteropBroker.Qos2Publish;
import io.github.camelmqttbridge.interop.InteropBroker.SubscribeRefusal;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.RabbitMqMqtt;
import java.nio.file.Path;

/**
 * RabbitMQ's MQTT plugin (3.1.1) on the RabbitMQ node of this machine, enabled by {@link RabbitMqMqtt} if needed;
 * a user of our own whose topic permissions allow {@code interop/...} (routing keys {@code interop.}) only, so a
 * SUBSCRIBE to {@code forbidden/...} is refused (RabbitMQ closes the connection). It downgrades QoS 2: a QoS 2
 * subscription is granted QoS 1 and a QoS 2 PUBLISH is answered with PUBACK.
 */
class RabbitMqInteropTest extends InteropScenarios {

    @Override
    protected InteropBroker startBroker(Path workDir) {
        RabbitMqMqtt rabbit = RabbitMqMqtt.ensure();
        RabbitMqMqtt.User user = rabbit.addUser("^interop\\..*", "^interop\\..*");
        return new RunningBroker("rabbitmq", "RabbitMQ " + rabbit.version() + " MQTT plugin", rabbit.tcpUrl(),
                Capabilities.complete(MqttVersion.V3_1_1).withQos2Publish(Qos2Publish.ANSWERED_WITH_PUBACK, 1)
                        .withSubscribeRefusal(SubscribeRefusal.CONNECTION_CLOSED),
                user.name(), user.password(), rabbit::close);
    }
}
