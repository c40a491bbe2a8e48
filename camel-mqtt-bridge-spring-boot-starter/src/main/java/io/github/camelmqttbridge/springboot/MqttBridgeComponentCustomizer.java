package io.github.camelmqttbridge.springboot;

import io.github.camelmqttbridge.component.MqttBridgeComponent;
import io.github.camelmqttbridge.component.MqttBridgeEndpointUriFactory;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.SensitiveUtils;

/**
 * Applies {@code camel.component.mqtt-bridge.*} to the component when Camel creates it. Called by Camel on the thread
 * that creates the component (usually the one starting the routes). Endpoint options in a route's URI still win: each
 * endpoint starts from a copy of the component's configuration.
 *
 * <p>An option the component does not have, or a value it cannot take, fails the start with the property's name. The
 * value is never part of that message, and for a secret option (the catalog's {@code secret}: userName, password) or a
 * sensitive-looking name neither is the converter's message, which could quote it.
 */
final class MqttBridgeComponentCustomizer implements ComponentCustomizer {

    /** Generated from the component's {@code @UriParam(secret = true)} options. */
    private static final Set<String> SECRETS = new MqttBridgeEndpointUriFactory().secretPropertyNames();

    private final MqttBridgeProperties properties;

    MqttBridgeComponentCustomizer(MqttBridgeProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean isEnabled(String componentName, Component target) {
        return target instanceof MqttBridgeComponent;
    }

    @Override
    public void configure(String componentName, Component target) {
        for (Map.Entry<String, Object> property : properties.options().entrySet()) {
            String name = MqttBridgeProperties.PREFIX + "." + property.getKey();
            String option = MqttBridgeProperties.optionName(property.getKey());
            boolean bound;
            try {
                bound = PropertyBindingSupport.build()
                        .withCamelContext(target.getCamelContext())
                        .withTarget(target)
                        .withIgnoreCase(true)
                        .withProperty(option, property.getValue())
                        .bind();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("Cannot set " + name + " on the " + MqttBridgeProperties.SCHEME
                        + " component" + (isSecret(option) ? "" : ": " + rootMessage(e)));
            }
            if (!bound) {
                throw new IllegalArgumentException("Unknown property " + name + ": the " + MqttBridgeProperties.SCHEME
                        + " component has no option " + option
                        + " (its options are in the component's catalog and in the IDE completion)");
            }
        }
    }

    private static boolean isSecret(String option) {
        return SECRETS.stream().anyMatch(option::equalsIgnoreCase) || SensitiveUtils.containsSensitive(option);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
