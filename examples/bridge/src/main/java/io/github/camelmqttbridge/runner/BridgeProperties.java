package io.github.camelmqttbridge.runner;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Property values before camel-main starts, resolved the way the routes will resolve them: the same locations (the
 * routes' application.properties, then the --properties file), the name=value arguments above them, system
 * properties and environment variables in between ({@link EnvironmentProperties}), nested placeholders and functions
 * such as {@code {{sys:user.home}}}. The runner needs a few before Camel runs: where the embedded brokers keep their
 * data, and the Kafka address for --tail-kafka.
 */
final class BridgeProperties implements AutoCloseable {

    private final DefaultCamelContext context;
    private final PropertiesComponent properties;

    BridgeProperties(String locations, Map<String, String> overrides) {
        // built (type converter, resource loader) but never started: only its properties component is used
        context = new DefaultCamelContext(false);
        context.build();
        properties = (PropertiesComponent) context.getPropertiesComponent();
        properties.setLocation(locations);
        Properties override = new Properties();
        override.putAll(overrides);
        properties.setOverrideProperties(override);
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.addPropertiesSource(new EnvironmentProperties());
    }

    /** The value with placeholders resolved, or empty when nothing sets it (or it is blank). */
    Optional<String> get(String name) {
        return properties.resolveProperty(name)
                .map(value -> value.contains("{{") ? context.resolvePropertyPlaceholders(value) : value)
                .filter(value -> !value.isBlank());
    }

    /** A folder property as an absolute path; the routes' application.properties gives every folder a default. */
    Path folder(String name) {
        return Path.of(get(name).orElseThrow(() -> new IllegalArgumentException("property " + name + " is not set")))
                .toAbsolutePath().normalize();
    }

    @Override
    public void close() {
        context.stop();
    }
}
