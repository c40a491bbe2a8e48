package io.github.camelmqttbridge.routes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Starts a CamelContext with route files from the top of the routes module, loaded unchanged, and the
 * module's application.properties plus per-test overrides.
 * <p>
 * {@link #directFed()}: until the mqtt-bridge component is merged, the MQTT ends are swapped by AdviceWith
 * (the file itself stays as is): the consumer becomes {@code direct:mqtt} — a test sends it what the component
 * would (body bytes plus the CamelMqttBridge* headers), and "exchange completed without exception" is the
 * point where the component acks — and the producer becomes {@code mock:mqtt}.
 */
final class BridgeRoutes implements AutoCloseable {

    static final String DIRECT_MQTT = "direct:mqtt";
    static final String MOCK_MQTT = "mock:mqtt";

    /** The module folder: where the route files are. Surefire runs with it as working directory. */
    static final Path ROUTES_DIR = Path.of("").toAbsolutePath();

    private final DefaultCamelContext context = new DefaultCamelContext();

    static boolean componentPresent() {
        return BridgeRoutes.class.getClassLoader()
                .getResource("META-INF/services/org/apache/camel/component/mqtt-bridge") != null;
    }

    BridgeRoutes(Map<String, String> properties, String... files) throws Exception {
        context.getPropertiesComponent().setLocation("file:" + ROUTES_DIR.resolve("application.properties"));
        Properties overrides = new Properties();
        overrides.putAll(properties);
        context.getPropertiesComponent().setOverrideProperties(overrides);
        for (String file : files) {
            Path path = ROUTES_DIR.resolve(file);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("no route file " + path);
            }
            Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + path);
            PluginHelper.getRoutesLoader(context).loadRoutes(resource);
        }
    }

    /** Replaces the MQTT consumer of each route by direct:mqtt and any mqtt-bridge producer by mock:mqtt. */
    BridgeRoutes directFed(String... mqttConsumerRouteIds) throws Exception {
        for (String id : mqttConsumerRouteIds) {
            AdviceWith.adviceWith(context, id, a -> a.replaceFromWith(DIRECT_MQTT));
        }
        return this;
    }

    BridgeRoutes mockMqttProducer(String routeId) throws Exception {
        AdviceWith.adviceWith(context, routeId, a -> a.weaveByToUri("mqtt-bridge:*").replace().to(MOCK_MQTT));
        return this;
    }

    BridgeRoutes start() {
        context.start();
        return this;
    }

    CamelContext context() {
        return context;
    }

    @Override
    public void close() {
        context.stop();
    }
}
