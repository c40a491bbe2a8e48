package io.github.camelmqttbridge.springboot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.util.StringHelper;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The component options set under {@code camel.component.mqtt-bridge} in Spring's environment (application.properties,
 * YAML, environment variables such as {@code CAMEL_COMPONENT_MQTTBRIDGE_PASSWORD}, command-line arguments), as option
 * name to value.
 *
 * <p>Deliberately untyped: the component's own generated configurer (the one camel-main uses for the same
 * properties) converts and applies the values, so every option the component has is accepted under its catalog name,
 * kebab-case, or any case, and no list of options is kept here to fall behind the component. Which options exist is
 * in the generated {@code META-INF/spring-configuration-metadata.json}, for the IDE.
 */
final class MqttBridgeProperties {

    static final String SCHEME = "mqtt-bridge";
    static final String PREFIX = "camel.component." + SCHEME;

    /** Names the Spring Boot layer owns (camel-spring-boot's, not the component's). */
    private static final Set<String> SPRING_BOOT_OWN = Set.of("enabled", "customizer");

    private final Environment environment;

    MqttBridgeProperties(Environment environment) {
        this.environment = environment;
    }

    /**
     * Reads the environment now (Camel calls the customizer when it creates the component, after the environment is
     * complete): property name below the prefix, as the source wrote it (nested names joined with dots; environment
     * variables arrive lower case without separators), to its value as a string with Spring's {@code ${...}} resolved.
     */
    Map<String, Object> options() {
        Map<String, Object> bound = Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, Object.class))
                .orElseGet(Map::of);
        Map<String, Object> options = new LinkedHashMap<>();
        flatten("", bound, options);
        SPRING_BOOT_OWN.forEach(name -> options.keySet().removeIf(key -> key.equals(name) || key.startsWith(name + ".")));
        return options;
    }

    /** The component option a property names: kebab-case to camelCase; the configurer ignores case. */
    static String optionName(String property) {
        return StringHelper.dashToCamelCase(property);
    }

    private static void flatten(String prefix, Map<?, ?> source, Map<String, Object> target) {
        for (Map.Entry<?, ?> entry : source.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, target);
            } else {
                target.put(key, entry.getValue());
            }
        }
    }
}
