package io.github.camelmqttbridge.reliability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Reads the mqtt-bridge consumers' JMX attributes (ClientId, ConnectionState, Reconnects, LastError: what the
 * consumer's health check reports too) from a bridge child started with {@link BridgeProcess#jmxPort(int)}.
 */
final class BridgeJmx {

    /** One consumer's view of its client. */
    record ConsumerState(String clientId, String connectionState, long reconnects, String lastError) {
        @Override
        public String toString() {
            return clientId + " " + connectionState + " reconnects=" + reconnects + " lastError=" + lastError;
        }
    }

    private BridgeJmx() {
    }

    /** The consumers of the bridge listening on {@code port}; empty if it cannot be reached (yet). */
    static List<ConsumerState> consumers(int port) {
        JMXServiceURL url;
        try {
            url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            Set<ObjectName> names = server.queryNames(new ObjectName("org.apache.camel:type=consumers,*"), null);
            List<ConsumerState> states = new ArrayList<>();
            for (ObjectName name : names) {
                try {
                    Object clientId = server.getAttribute(name, "ClientId");
                    Object state = server.getAttribute(name, "ConnectionState");
                    Object reconnects = server.getAttribute(name, "Reconnects");
                    Object lastError = server.getAttribute(name, "LastError");
                    states.add(new ConsumerState(String.valueOf(clientId), String.valueOf(state),
                            reconnects instanceof Number n ? n.longValue() : -1,
                            lastError == null ? null : lastError.toString()));
                } catch (Exception notAnMqttBridgeConsumer) {
                    // a consumer of another component: no such attributes
                }
            }
            return states;
        } catch (IOException | javax.management.JMException e) {
            return List.of();
        }
    }
}
