package io.github.camelmqttbridge.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.component.MqttBridgeComponent;
import io.github.camelmqttbridge.component.MqttBridgeConfiguration;
import io.github.camelmqttbridge.component.MqttBridgeEndpoint;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The auto-configuration against a real CamelContext from camel-spring-boot's own auto-configuration. */
class MqttBridgeComponentAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class,
                    MqttBridgeComponentAutoConfiguration.class));

    @Test
    void optionsInKebabCaseAndCamelCaseReachTheComponent() {
        runner.withPropertyValues(
                "camel.component.mqtt-bridge.broker-url=tcp://broker.example:1884",
                "camel.component.mqtt-bridge.clientId=plant-7",
                "camel.component.mqtt-bridge.qos=1",
                "camel.component.mqtt-bridge.clean-start=false",
                "camel.component.mqtt-bridge.session-expiry-interval=3600",
                "camel.component.mqtt-bridge.protocol-version=3.1.1",
                "camel.component.mqtt-bridge.user-name=bob",
                "camel.component.mqtt-bridge.password=${test.mqtt.password}",
                "test.mqtt.password=Sb-5c1f-secret")
                .run(context -> {
                    MqttBridgeConfiguration configuration = component(context.getBean(CamelContext.class))
                            .getConfiguration();
                    assertThat(configuration.getBrokerUrl()).isEqualTo("tcp://broker.example:1884");
                    assertThat(configuration.getClientId()).isEqualTo("plant-7");
                    assertThat(configuration.getQos()).isEqualTo(1);
                    assertThat(configuration.isCleanStart()).isFalse();
                    assertThat(configuration.getSessionExpiryInterval()).isEqualTo(3600L);
                    assertThat(configuration.getProtocolVersion()).isEqualTo("3.1.1");
                    assertThat(configuration.getUserName()).isEqualTo("bob");
                    assertThat(configuration.getPassword()).isEqualTo("Sb-5c1f-secret");
                });
    }

    @Test
    void environmentVariablesInSpringsUpperCaseFormReachTheComponent() {
        runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("CAMEL_COMPONENT_MQTTBRIDGE_BROKERURL", "ssl://env.example:8883",
                                        "CAMEL_COMPONENT_MQTTBRIDGE_PASSWORD", "Sb-env-secret",
                                        "CAMEL_COMPONENT_MQTTBRIDGE_KEEPALIVEINTERVAL", "15"))))
                .run(context -> {
                    MqttBridgeConfiguration configuration = component(context.getBean(CamelContext.class))
                            .getConfiguration();
                    assertThat(configuration.getBrokerUrl()).isEqualTo("ssl://env.example:8883");
                    assertThat(configuration.getPassword()).isEqualTo("Sb-env-secret");
                    assertThat(configuration.getKeepAliveInterval()).isEqualTo(15);
                });
    }

    @Test
    void anEndpointOptionInTheUriWinsOverTheComponentProperty() {
        runner.withPropertyValues("camel.component.mqtt-bridge.broker-url=tcp://from-properties:1883",
                        "camel.component.mqtt-bridge.qos=1")
                .run(context -> {
                    CamelContext camel = context.getBean(CamelContext.class);
                    MqttBridgeEndpoint endpoint = camel.getEndpoint("mqtt-bridge:a/b?brokerUrl=tcp://from-uri:1883",
                            MqttBridgeEndpoint.class);
                    assertThat(endpoint.getConfiguration().getBrokerUrl()).isEqualTo("tcp://from-uri:1883");
                    assertThat(endpoint.getConfiguration().getQos()).isEqualTo(1);
                });
    }

    @Test
    void anUnknownOptionFailsWithItsNameAndWithoutItsValue() {
        runner.withPropertyValues("camel.component.mqtt-bridge.broker-urll=tcp://typo.example:1883")
                .run(context -> assertThatThrownBy(() -> component(context.getBean(CamelContext.class)))
                        .rootCause()
                        .hasMessageContaining("camel.component.mqtt-bridge.broker-urll")
                        .hasMessageContaining("no option brokerUrll")
                        .hasMessageNotContaining("typo.example"));
    }

    @Test
    void aValueTheOptionCannotTakeFailsWithTheOptionsNameAndTheReason() {
        runner.withPropertyValues("camel.component.mqtt-bridge.clean-start=perhaps")
                .run(context -> assertThatThrownBy(() -> component(context.getBean(CamelContext.class)))
                        .rootCause()
                        .hasMessageContaining("camel.component.mqtt-bridge.clean-start")
                        .hasMessageContaining("perhaps"));
    }

    @Test
    void aFailureOnASecretOptionDoesNotQuoteTheConvertersMessage() {
        runner.withPropertyValues("camel.component.mqtt-bridge.password.length=Sb-7e2a-secret")
                .run(context -> assertThatThrownBy(() -> component(context.getBean(CamelContext.class)))
                        .rootCause()
                        .hasMessageContaining("camel.component.mqtt-bridge.password.length")
                        .hasMessageNotContaining("Sb-7e2a-secret"));
    }

    @Test
    void enabledFalseLeavesTheComponentAlone() {
        runner.withPropertyValues("camel.component.mqtt-bridge.enabled=false",
                        "camel.component.mqtt-bridge.broker-url=tcp://ignored:1883")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ComponentCustomizer.class);
                    assertThat(component(context.getBean(CamelContext.class)).getConfiguration().getBrokerUrl())
                            .isEqualTo("tcp://localhost:1883");
                });
    }

    private static MqttBridgeComponent component(CamelContext camel) {
        return camel.getComponent("mqtt-bridge", MqttBridgeComponent.class);
    }
}
