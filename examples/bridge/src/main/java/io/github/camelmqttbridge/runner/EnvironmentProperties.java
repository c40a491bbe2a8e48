package io.github.camelmqttbridge.runner;

import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.IOHelper;

/**
 * The runner's order of property values, highest first: {@code name=value} arguments (camel-main override
 * properties), JVM system properties ({@code -Dmqtt.url=...}), environment variables ({@code MQTT_URL}, Camel's
 * usual mapping), the {@code --properties} file, the routes' {@code application.properties}.
 * <p>
 * Camel's own environment and system-property modes ("override") would put the environment above the
 * command line; they are switched off and this source, ordered before the property files but looked up after
 * the override properties, does the same lookups one step lower.
 */
final class EnvironmentProperties implements PropertiesSource, Ordered {

    static MainListenerSupport installer() {
        return new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                PropertiesComponent pc = (PropertiesComponent) main.getCamelContext().getPropertiesComponent();
                pc.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
                pc.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
                pc.addPropertiesSource(new EnvironmentProperties());
            }
        };
    }

    /** The value of a property from a system property or the environment, or null. */
    static String lookup(String name) {
        String value = System.getProperty(name);
        return value != null ? value : IOHelper.lookupEnvironmentVariable(name);
    }

    @Override
    public String getName() {
        return "bridge-system-and-environment";
    }

    @Override
    public String getProperty(String name) {
        return lookup(name);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST;
    }
}
