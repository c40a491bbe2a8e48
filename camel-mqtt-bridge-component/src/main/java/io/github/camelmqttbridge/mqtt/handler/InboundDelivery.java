package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageListener;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inbound PUBLISH on its way through the application. When several listeners get it, each gets its own view;
 * the delivery is acknowledged once all of them have acknowledged, and fails as soon as one listener throws. Its
 * QoS state (for QoS 1/2) is the {@link InboundQosTable.Entry}; this object carries the message and counts the
 * views.
 */
final class InboundDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDelivery.class);

    private final InboundPublishFlow flow;
    private final String topic;
    private final byte[] payload;
    private final int qos;
    private final boolean retain;
    private final boolean duplicate;
    private final int packetId;
    private final MessageProperties properties;
    /** Null for QoS 0. */
    private final InboundQosTable.Entry entry;
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Event loop only: acknowledged by every view, or failed; the flow has counted it out of what it holds. */
    private boolean settled;

    InboundDelivery(InboundPublishFlow flow, String topic, byte[] payload, int qos, boolean retain, boolean duplicate,
            int packetId, MessageProperties properties, InboundQosTable.Entry entry) {
        this.flow = flow;
        this.topic = topic;
        this.payload = payload;
        this.qos = qos;
        this.retain = retain;
        this.duplicate = duplicate;
        this.packetId = packetId;
        this.properties = properties;
        this.entry = entry;
    }

    String topic() {
        return topic;
    }

    int qos() {
        return qos;
    }

    int packetId() {
        return packetId;
    }

    MessageProperties properties() {
        return properties;
    }

    InboundQosTable.Entry entry() {
        return entry;
    }

    /**
     * Event loop only: marks the delivery settled.
     *
     * @return false when it already was (a late ack after a failure, or the other way round)
     */
    boolean settle() {
        if (settled) {
            return false;
        }
        settled = true;
        return true;
    }

    /** Event loop only. A listener that throws has not taken the message: the delivery fails at once. */
    void dispatch(List<MessageListener> listeners, boolean autoAck) {
        outstanding.set(listeners.size());
        for (MessageListener listener : listeners) {
            View view = new View();
            try {
                listener.onMessage(view);
            } catch (RuntimeException e) {
                LOG.error("Message listener failed on the message from '{}' (QoS {}, packet id {}); the message is not"
                        + " acknowledged{}, and the acknowledgements of later messages are not held up by it", topic,
                        qos, packetId, qos > 0 ? " (the broker re-sends it on the next connection of a persistent session)"
                                : "", e);
                flow.failed(this);
                continue;
            }
            if (autoAck) {
                view.acknowledge();
            }
        }
    }

    private void viewAcknowledged() {
        if (outstanding.decrementAndGet() == 0) {
            if (flow.loop().inEventLoop()) {
                flow.acknowledged(this);
            } else {
                flow.acknowledgedElsewhere(this);
            }
        }
    }

    /** What one listener sees. */
    private final class View implements InboundMessage {
        private final AtomicBoolean acknowledged = new AtomicBoolean();

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        @Override
        public int qos() {
            return qos;
        }

        @Override
        public boolean retain() {
            return retain;
        }

        @Override
        public boolean duplicate() {
            return duplicate;
        }

        @Override
        public int packetId() {
            return packetId;
        }

        @Override
        public MessageProperties properties() {
            return properties;
        }

        @Override
        public void acknowledge() {
            if (acknowledged.compareAndSet(false, true)) {
                viewAcknowledged();
            }
        }

        @Override
        public boolean isAcknowledged() {
            return acknowledged.get();
        }

        @Override
        public String toString() {
            return "InboundMessage[topic=" + topic + ", qos=" + qos + ", packetId=" + packetId + ", bytes="
                    + payload.length + ", retain=" + retain + ", dup=" + duplicate + "]";
        }
    }
}
