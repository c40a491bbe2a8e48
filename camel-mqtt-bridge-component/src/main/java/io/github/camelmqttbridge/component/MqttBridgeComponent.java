package io.github.camelmqttbridge.component;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** TEMP stub (dropped when the real component lands): lets the deployment examples build and run. */
@Component("mqtt-bridge")
public class MqttBridgeComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MqttBridgeEndpoint endpoint = new MqttBridgeEndpoint(uri, this);
        endpoint.setTopic(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
