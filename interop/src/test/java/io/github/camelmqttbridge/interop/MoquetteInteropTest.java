package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.FreePorts;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Moquette 0.17 in this JVM (MQTT 3.1.1; it refuses an MQTT 5 CONNECT), in-memory sessions, an authenticator (one
 * user) and an authorization policy that refuses reading (subscribing to) topics under {@code forbidden/}.
 */
class MoquetteInteropTest extends InteropScenarios {

    /** The version of moquette-broker in the parent POM. */
    private static final String VERSION = "0.17";

    @Override
    protected InteropBroker startBroker(Path workDir) throws Exception {
        String user = "interop";
        String password = UUID.randomUUID().toString();
        int port = FreePorts.find();
        Properties props = new Properties();
        props.setProperty("host", "127.0.0.1");
        props.setProperty("port", Integer.toString(port));
        props.setProperty("allow_anonymous", "false");
        props.setProperty("persistence_enabled", "false");
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("netty.epoll", "false");
        IAuthenticator authenticator = (clientId, name, pass) -> user.equals(name) && pass != null
                && password.equals(new String(pass, StandardCharsets.UTF_8));
        IAuthorizatorPolicy policy = new IAuthorizatorPolicy() {
            @Override
            public boolean canWrite(Topic topic, String userName, String clientId) {
                return true;
            }

            @Override
            public boolean canRead(Topic topic, String userName, String clientId) {
                return !topic.toString().startsWith("forbidden/");
            }
        };
        Server moquette = new Server();
        moquette.startServer(new MemoryConfig(props), List.of(), null, authenticator, policy);
        return new RunningBroker("moquette", "Moquette " + VERSION + " (embedded)", "tcp://127.0.0.1:" + port,
                Capabilities.complete(MqttVersion.V3_1_1), user, password, moquette::stopServer);
    }
}
