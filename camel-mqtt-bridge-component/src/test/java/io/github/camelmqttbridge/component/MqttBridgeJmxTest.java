package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consumer's and producer's managed attributes are in the platform MBean server (camel-management). */
class MqttBridgeJmxTest {

    private CamelContext context;
    private boolean jmxWasDisabled;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        DefaultCamelContext.setDisableJmx(jmxWasDisabled);
    }

    @Test
    void consumerAndProducerAttributesAreRegistered() throws Exception {
        jmxWasDisabled = DefaultCamelContext.isDisableJmx();
        DefaultCamelContext.setDisableJmx(false); // CamelTestSupport tests in this JVM turn it off globally
        String name = "jmx-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "it/" + name + "/t";
        String uri = "mqtt-bridge:" + topic + "?brokerUrl=" + MqttBridgeTestSupport.BROKER + "&qos=1";
        context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId("jmxIn").to("mock:jmx");
                from("direct:jmx").routeId("jmxOut").to(uri);
            }
        });
        context.start();
        context.createProducerTemplate().sendBody("direct:jmx", "counted");

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> consumers = server.queryNames(
                new ObjectName("org.apache.camel:context=" + name + ",type=consumers,*"), null);
        ObjectName consumer = consumers.stream()
                .filter(n -> n.getKeyProperty("name").startsWith("MqttBridgeConsumer")).findFirst()
                .orElseThrow(() -> new AssertionError("no MqttBridgeConsumer MBean among " + consumers));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) server.getAttribute(consumer, "Acknowledged")).longValue() == 1);
        assertThat(server.getAttribute(consumer, "Received")).isEqualTo(1L);
        assertThat(server.getAttribute(consumer, "Completed")).isEqualTo(1L);
        assertThat(server.getAttribute(consumer, "Inflight")).isEqualTo(0);
        assertThat(server.getAttribute(consumer, "Failed")).isEqualTo(0L);
        assertThat(server.getAttribute(consumer, "Redelivered")).isEqualTo(0L);
        assertThat(server.getAttribute(consumer, "DuplicatesSuppressed")).isEqualTo(0L);
        assertThat(server.getAttribute(consumer, "Reconnects")).isEqualTo(0L);
        assertThat(server.getAttribute(consumer, "ConnectionState")).isEqualTo("CONNECTED");
        assertThat((String) server.getAttribute(consumer, "ClientId")).startsWith("mqtt-bridge-");
        assertThat(server.getAttribute(consumer, "LastError")).isNull();

        Set<ObjectName> producers = server.queryNames(
                new ObjectName("org.apache.camel:context=" + name + ",type=producers,*"), null);
        ObjectName producer = producers.stream()
                .filter(n -> n.getKeyProperty("name").startsWith("MqttBridgeProducer")).findFirst()
                .orElseThrow(() -> new AssertionError("no MqttBridgeProducer MBean among " + producers));
        assertThat(server.getAttribute(producer, "Published")).isEqualTo(1L);
        assertThat(server.getAttribute(producer, "Confirmed")).isEqualTo(1L);
        assertThat(server.getAttribute(producer, "Inflight")).isEqualTo(0);
        assertThat(server.getAttribute(producer, "ConnectionState")).isEqualTo("CONNECTED");
    }
}
