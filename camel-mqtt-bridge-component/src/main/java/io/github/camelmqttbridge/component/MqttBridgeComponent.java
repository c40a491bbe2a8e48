package io.github.camelmqttbridge.component;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/**
 * The {@code mqtt-bridge} component: MQTT 3.1.1 / 5 on this project's own engine, acknowledging a message to the
 * broker only after the route committed it. Options set on the component are defaults for all its endpoints.
 */
@Component("mqtt-bridge")
public class MqttBridgeComponent extends HealthCheckComponent {

    @Metadata(description = "Shared configuration: default values of all endpoint options.")
    private MqttBridgeConfiguration configuration = new MqttBridgeConfiguration();

    public MqttBridgeComponent() {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MqttBridgeEndpoint endpoint = new MqttBridgeEndpoint(uri, this, remaining, configuration.copy());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public MqttBridgeConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(MqttBridgeConfiguration configuration) {
        this.configuration = configuration;
    }
}
