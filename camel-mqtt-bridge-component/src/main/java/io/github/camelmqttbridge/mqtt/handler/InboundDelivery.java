package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.InboundMessage;
import io.github.camelmqttbridge.mqtt.client.MessageListener;
import io.github.camelmqttbridge.mqtt.client.MessageProperties;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One inbound PUBLISH on its way through the application. When several subscriptions of ours match, each
 * listener gets its own view; the broker is acknowledged once all of them have acknowledged.
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
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Written on the event loop only, after every listener acknowledged. */
    private boolean acknowledgedOnLoop;
    /** Event loop only: see {@link #awaitingResend()}. */
    private boolean awaitingResend;

    InboundDelivery(InboundPublishFlow flow, String topic, byte[] payload, int qos, boolean retain, boolean duplicate,
            int packetId, MessageProperties properties) {
        this.flow = flow;
        this.topic = topic;
        this.payload = payload;
        this.qos = qos;
        this.retain = retain;
        this.duplicate = duplicate;
        this.packetId = packetId;
        this.properties = properties;
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

    boolean isAcknowledgedOnLoop() {
        return acknowledgedOnLoop;
    }

    /**
     * Received on an earlier connection of a resumed session, ack not written yet: the broker will re-send the
     * PUBLISH, and the ack answers that re-send (event loop only).
     */
    boolean awaitingResend() {
        return awaitingResend;
    }

    void awaitingResend(boolean value) {
        awaitingResend = value;
    }

    /** The broker forgot the session: nothing to write any more, but the slot is freed when the app is done. */
    void orphan() {
        // Nothing to undo: the ack will simply find no queue entry.
    }

    void dispatch(List<MessageListener> listeners, boolean autoAck) {
        outstanding.set(listeners.size());
        for (MessageListener listener : listeners) {
            View view = new View();
            try {
                listener.onMessage(view);
            } catch (RuntimeException e) {
                // A listener that throws has not processed the message: it stays unacknowledged.
                LOG.error("Message listener failed on a message from '{}'; the message stays unacknowledged", topic, e);
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
                complete();
            } else {
                flow.acknowledgedElsewhere(this);
            }
        }
    }

    private void complete() {
        markAcknowledgedOnLoop();
        flow.acknowledged(this);
    }

    /** Event loop only. */
    void markAcknowledgedOnLoop() {
        acknowledgedOnLoop = true;
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
