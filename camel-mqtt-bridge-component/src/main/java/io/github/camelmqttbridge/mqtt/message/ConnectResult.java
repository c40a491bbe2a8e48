package io.github.camelmqttbridge.mqtt.message;

/**
 * A successful CONNACK and what the broker told us in it.
 *
 * @param serverUri          the server this connection went to
 * @param clientId           the client id in use (the broker-assigned one if we sent an empty id)
 * @param keepAliveSeconds   the keep-alive in force (MQTT 5 Server Keep Alive overrides ours)
 * @param receiveMaximum     how many unacknowledged QoS 1/2 PUBLISH the broker accepts from us
 * @param maximumPacketSize  largest packet the broker accepts, bytes
 * @param topicAliasMaximum  how many outbound topic aliases the broker accepts
 * @param maximumQos         highest QoS the broker supports
 * @param subscriptionIdentifiersAvailable MQTT 5 "Subscription Identifiers Available" (true when absent); always
 *                           false on MQTT 3.1.1. Inbound messages are routed by identifier only when true.
 */
public record ConnectResult(String serverUri, MqttVersion version, boolean sessionPresent, String clientId,
        int keepAliveSeconds, int receiveMaximum, int maximumPacketSize, int topicAliasMaximum, int maximumQos,
        boolean retainAvailable, boolean subscriptionIdentifiersAvailable) {

    /** Without the subscription identifier flag: available on MQTT 5 (the protocol's default), not on 3.1.1. */
    public ConnectResult(String serverUri, MqttVersion version, boolean sessionPresent, String clientId,
            int keepAliveSeconds, int receiveMaximum, int maximumPacketSize, int topicAliasMaximum, int maximumQos,
            boolean retainAvailable) {
        this(serverUri, version, sessionPresent, clientId, keepAliveSeconds, receiveMaximum, maximumPacketSize,
                topicAliasMaximum, maximumQos, retainAvailable, version == MqttVersion.V5);
    }
}
