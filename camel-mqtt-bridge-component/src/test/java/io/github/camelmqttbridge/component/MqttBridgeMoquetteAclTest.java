package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.testsupport.FreePorts;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real broker that refuses a SUBSCRIBE: Moquette 0.17 (MQTT 3.1.1) with an ACL file answers SUBACK 0x80 for a
 * filter the client may not read (Mosquitto 2.0.11 grants it and filters at delivery).
 */
class MqttBridgeMoquetteAclTest {

    @TempDir
    Path dir;
    private Server moquette;
    private String url;
    private final CamelContext context = new DefaultCamelContext();

    @BeforeEach
    void startMoquette() throws Exception {
        Path acl = Files.writeString(dir.resolve("acl.conf"), "topic readwrite allowed/#\n");
        int port = FreePorts.find();
        Properties props = new Properties();
        props.setProperty("host", "127.0.0.1");
        props.setProperty("port", Integer.toString(port));
        props.setProperty("allow_anonymous", "true");
        props.setProperty("acl_file", acl.toString());
        props.setProperty("persistence_enabled", "false");
        props.setProperty("telemetry_enabled", "false");
        props.setProperty("netty.epoll", "false");
        moquette = new Server();
        moquette.startServer(new MemoryConfig(props));
        url = "tcp://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        context.stop();
        if (moquette != null) {
            moquette.stopServer();
        }
    }

    @Test
    void aFilterTheAclDeniesFailsTheRouteStartWithTheBrokersCode() throws Exception {
        context.start();
        assertThatThrownBy(() -> context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // automaticReconnect stays on: Moquette 0.17 sometimes drops a connection whose SUBSCRIBE follows the
                // CONNACK at once ("SUBSCRIBE received on already closed connection"); the SUBSCRIBE is sent again
                // after the reconnect and refused then.
                from("mqtt-bridge:denied/x?brokerUrl=" + url + "&protocolVersion=3.1.1&qos=1&minReconnectDelay=50")
                        .routeId("denied").to("mock:never");
            }
        })).rootCause()
                .hasMessageContaining("'denied/x'")
                .hasMessageContaining("(0x80)");

        // Without acl_file the same Moquette grants subscriptions (EmbeddedBrokersIntegrationTest). With it, 0.17
        // grants an anonymous client nothing at all (its log: "does not have read permissions ... username: null"),
        // so there is no "allowed" control here.
        assertThat(context.getRoute("denied") == null
                || !context.getRouteController().getRouteStatus("denied").isStarted()).isTrue();
    }
}
