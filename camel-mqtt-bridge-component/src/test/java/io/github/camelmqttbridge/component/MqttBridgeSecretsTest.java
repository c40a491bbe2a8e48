package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.fuzz.LogCapture;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedCamelContextMBean;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * The MQTT password given to the component never shows up in what Camel shows to people: our own log output
 * (down to TRACE) and everything logged at INFO and above, JMX attributes of every Camel MBean, the route dump,
 * endpoint toString(). A wrong password fails the route start with the broker's refusal in words, again without
 * the secret.
 *
 * <p>Not covered, because it is Camel core's own behaviour: Camel's DEBUG/TRACE logging of raw endpoint URIs and
 * a route dump with placeholders resolved. That is why the README tells users to pass secrets as property
 * placeholders ({@code password={{mqtt.password}}}) or from a vault, never literally in the route.
 */
class MqttBridgeSecretsTest {

    private static final String PASSWORD = "Cm-3e9b1d7f-secret";
    private static final String WRONG_PASSWORD = "Cm-8a2c4e6d-wrong";

    @Test
    void passwordAppearsInNoLogJmxAttributeOrRouteDump() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder seen = new StringBuilder();
        try (LogCapture logs = LogCapture.everything();
                MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("bob", PASSWORD)).start()) {
            CamelContext context = new DefaultCamelContext();
            context.getPropertiesComponent().addInitialProperty("mqtt.password", PASSWORD);
            String common = "brokerUrl=" + broker.tcpUrl() + "&userName=bob&qos=1";
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:secrets/" + id + "?" + common + "&clientId=in-" + id + "&password={{mqtt.password}}")
                            .routeId("in").to("mock:out");
                    from("direct:send").routeId("out")
                            .to("mqtt-bridge:secrets/" + id + "?" + common + "&clientId=out-" + id + "&password={{mqtt.password}}");
                }
            });
            context.start();
            try {
                MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
                out.expectedBodiesReceived("hello");
                context.createProducerTemplate().sendBody("direct:send", "hello");
                out.assertIsSatisfied(10_000);

                for (Endpoint endpoint : context.getEndpoints()) {
                    seen.append(endpoint).append('\n');
                }
                // camel-lines/camel-4.14 runs without camel-management (not served for 4.14): no JMX to look at there
                if (!Boolean.getBoolean("mqtt.bridge.test.noJmx")) {
                    ManagedCamelContextMBean managed = context.getCamelContextExtension()
                            .getContextPlugin(ManagedCamelContext.class).getManagedCamelContext();
                    seen.append(managed.dumpRoutesAsXml(false)).append('\n');
                    int read = appendAllCamelMBeanAttributes(seen);
                    assertThat(read).as("JMX attributes read").isGreaterThan(50);
                    assertThat(seen).as("the consumer's JMX attributes were among them").contains("secrets/" + id);
                }
            } finally {
                context.stop();
            }
            logs.lines().stream().filter(MqttBridgeSecretsTest::visible).forEach(line -> seen.append(line.all()).append('\n'));
        }
        assertThat(seen.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void wrongPasswordFailsTheRouteStartInWordsWithoutTheSecret() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        try (LogCapture logs = LogCapture.everything();
                MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("bob", PASSWORD)).start()) {
            CamelContext context = new DefaultCamelContext();
            context.getPropertiesComponent().addInitialProperty("mqtt.password", WRONG_PASSWORD);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:secrets/" + id + "?brokerUrl=" + broker.tcpUrl() + "&clientId=in-" + id
                            + "&userName=bob&password={{mqtt.password}}&automaticReconnect=false")
                            .to("mock:out");
                }
            });
            Throwable failure = null;
            try {
                context.start();
            } catch (Exception e) {
                failure = e;
            } finally {
                context.stop();
            }
            assertThat(failure).as("route start fails").isNotNull();
            StringBuilder text = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                text.append(t).append('\n');
            }
            assertThat(text).contains("not authorized").contains(broker.tcpUrl());
            logs.lines().stream().filter(MqttBridgeSecretsTest::visible).forEach(line -> text.append(line.all()).append('\n'));
            assertThat(text.toString()).doesNotContain(WRONG_PASSWORD);
        }
    }

    /** Our own log lines at any level, everyone else's at INFO and above (what a default set-up prints). */
    private static boolean visible(LogCapture.Line line) {
        return line.logger().startsWith("io.github.camelmqttbridge")
                || line.level().equals("INFO") || line.level().equals("WARN") || line.level().equals("ERROR");
    }

    private static int appendAllCamelMBeanAttributes(StringBuilder seen) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:*"), null);
        int read = 0;
        for (ObjectName name : names) {
            seen.append(name).append('\n');
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                if (!attribute.isReadable()) {
                    continue;
                }
                try {
                    seen.append(attribute.getName()).append('=').append(server.getAttribute(name, attribute.getName()))
                            .append('\n');
                    read++;
                } catch (Exception | LinkageError e) {
                    // Some attributes are not readable in this state; what could be read is what a person would see.
                }
            }
        }
        return read;
    }
}
