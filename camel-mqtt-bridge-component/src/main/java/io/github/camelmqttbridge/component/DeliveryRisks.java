package io.github.camelmqttbridge.component;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Route;

/**
 * Option combinations that can lose or duplicate messages, each as one sentence that the consumer or producer logs
 * once at WARN when it starts. The defaults produce none. The README's "Delivery guarantees" section lists the same.
 */
final class DeliveryRisks {

    private DeliveryRisks() {
    }

    /**
     * @param deadLetterChannel whether the route's error handler is a dead letter channel (failures are then handled
     *                          by the route and never reach the consumer's redelivery)
     */
    static List<String> ofConsumer(MqttBridgeConfiguration c, boolean deadLetterChannel) {
        List<String> risks = new ArrayList<>();
        if (c.getQos() == 0) {
            risks.add("qos=0: the broker sends each message at most once and keeps nothing for us, so a lost connection"
                    + " or a failed exchange loses messages; use qos=1 or 2");
            return risks; // the rest is about what the broker holds for us, and at QoS 0 it holds nothing
        }
        if (!c.isAckAfterProcessing()) {
            risks.add("ackMode=onReceive: messages are acknowledged when they arrive, so a failed exchange or a crash"
                    + " loses them; use ackMode=afterProcessing");
        }
        if (c.getMaximumRedeliveries() >= 0 && !deadLetterChannel) {
            risks.add("maximumRedeliveries=" + c.getMaximumRedeliveries() + " without a dead letter channel: a message"
                    + " still failing then is acknowledged and dropped; keep -1 or send failures to a dead letter channel");
        }
        boolean v5 = MqttVersion.parse(c.getProtocolVersion()) == MqttVersion.V5;
        if (!v5 && c.isCleanStart()) {
            risks.add("protocolVersion=3.1.1 with cleanStart=true: an MQTT 3.1.1 clean session ends with every"
                    + " connection, so a reconnect loses the messages the broker held for us; use cleanStart=false"
                    + " with an explicit clientId, or MQTT 5");
        }
        if (v5 && c.getSessionExpiryInterval() == 0) {
            risks.add("sessionExpiryInterval=0: the session ends with every connection, so a reconnect loses the"
                    + " messages the broker held for us; leave it unset (600 s) or set the longest outage to survive");
        }
        long expiry = c.effectiveSessionExpiryInterval();
        long reconnectSeconds = (c.getMaxReconnectDelay() + 999) / 1000 + Math.max(0, c.getKeepAliveInterval());
        if (v5 && expiry > 0 && expiry < reconnectSeconds) {
            risks.add("sessionExpiryInterval=" + expiry + " s is shorter than a reconnect may take (keepAliveInterval "
                    + c.getKeepAliveInterval() + " s to notice + maxReconnectDelay " + c.getMaxReconnectDelay()
                    + " ms): the broker may drop the session, and the messages it held, first");
        }
        if (v5 && !c.isCleanStart() && c.getSessionExpiryInterval() < 0) {
            risks.add("cleanStart=false without sessionExpiryInterval: the broker keeps the session "
                    + MqttBridgeConfiguration.RECONNECT_SESSION_EXPIRY_SECONDS + " s after a disconnect, so a longer"
                    + " stop loses what arrived meanwhile; set sessionExpiryInterval to the longest downtime to survive");
        }
        if (c.getQos() == 2 && !c.isCleanStart() && !c.isFilePersistence()) {
            risks.add("cleanStart=false with persistence=memory: the broker keeps the session across a restart but our"
                    + " half of it (QoS 2 packet ids awaiting release) dies with the JVM, so QoS 2 messages can arrive"
                    + " twice after a restart; use persistence=file");
        }
        if (!c.isAutomaticReconnect()) {
            risks.add("automaticReconnect=false: after a lost connection the consumer stays disconnected until it is"
                    + " restarted, and the broker drops the session (with the messages it held) when it expires");
        }
        return risks;
    }

    /**
     * Whether the route's error handler is a dead letter channel (Java DSL {@code deadLetterChannel(..)}, YAML
     * {@code errorHandler: deadLetterChannel}). By class name: the definitions live in camel-core-model, which the
     * component does not depend on.
     */
    static boolean hasDeadLetterChannel(Route route) {
        Object factory = route == null ? null : route.getErrorHandlerFactory();
        for (Class<?> type = factory == null ? null : factory.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getSimpleName().startsWith("DeadLetterChannel")) {
                return true;
            }
        }
        return false;
    }

    static List<String> ofProducer(MqttBridgeConfiguration c) {
        List<String> risks = new ArrayList<>();
        if (c.getQos() == 0) {
            risks.add("qos=0: publishes are not confirmed, so a message written just before a lost connection is lost;"
                    + " use qos=1 or 2");
        }
        return risks;
    }
}
