package io.github.camelmqttbridge.springboot;

import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Configures the {@code mqtt-bridge} component from {@code camel.component.mqtt-bridge.*}, the way camel-spring-boot's
 * own component starters do: a {@link ComponentCustomizer} that Camel applies when it creates the component.
 * {@code camel.component.enabled=false} or {@code camel.component.mqtt-bridge.enabled=false} turns it off.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component." + MqttBridgeProperties.SCHEME})
public class MqttBridgeComponentAutoConfiguration {

    @Bean
    public ComponentCustomizer mqttBridgeComponentCustomizer(Environment environment) {
        return new MqttBridgeComponentCustomizer(new MqttBridgeProperties(environment));
    }
}
