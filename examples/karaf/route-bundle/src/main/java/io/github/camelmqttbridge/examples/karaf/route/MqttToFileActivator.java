package io.github.camelmqttbridge.examples.karaf.route;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Starts an OSGi {@code CamelContext} (camel-core-osgi, which finds {@code mqtt-bridge:} and {@code file:} in the
 * installed bundles) with the route MQTT -> file, and stops it with the bundle. For Karafs without camel-blueprint; with
 * camel-blueprint, {@code src/main/deploy/mqtt-to-file.xml} is the same route.
 * <p>
 * Settings are framework/system properties (Karaf: {@code etc/system.properties} or {@code etc/config.properties}),
 * {@code camel.mqtt.bridge.example.}{@code brokerUrl}, {@code topic}, {@code clientId}, {@code outputDirectory}.
 */
public class MqttToFileActivator implements BundleActivator {

    static final String PREFIX = "camel.mqtt.bridge.example.";

    private OsgiDefaultCamelContext camel;

    @Override
    public void start(BundleContext bundleContext) throws Exception {
        String brokerUrl = setting(bundleContext, "brokerUrl", "tcp://127.0.0.1:1883");
        String topic = setting(bundleContext, "topic", "sensors/#");
        String clientId = setting(bundleContext, "clientId", "karaf-example");
        String outputDirectory = setting(bundleContext, "outputDirectory", "data/mqtt-messages");

        OsgiDefaultCamelContext context = new OsgiDefaultCamelContext(bundleContext);
        context.getCamelContextExtension().setName("mqtt-bridge-example");
        // placeholders keep '#', '&' and friends out of the URI strings below
        context.getPropertiesComponent().addInitialProperty("brokerUrl", brokerUrl);
        context.getPropertiesComponent().addInitialProperty("topic", topic);
        context.getPropertiesComponent().addInitialProperty("clientId", clientId);
        context.getPropertiesComponent().addInitialProperty("outputDirectory", outputDirectory);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:{{topic}}?brokerUrl={{brokerUrl}}&clientId={{clientId}}&qos=1&protocolVersion=5")
                        .routeId("mqtt-to-file")
                        .log("MQTT message ${exchangeId} -> file")
                        .to("file:{{outputDirectory}}?fileName=${exchangeId}.msg");
            }
        });
        context.start();
        camel = context;
    }

    @Override
    public void stop(BundleContext bundleContext) {
        if (camel != null) {
            camel.stop();
            camel = null;
        }
    }

    private static String setting(BundleContext bundleContext, String key, String defaultValue) {
        String value = bundleContext.getProperty(PREFIX + key);
        return value == null || value.isBlank() ? defaultValue : value;
    }
}
