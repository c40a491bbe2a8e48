package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttSessionStoreException;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.MessageTimings;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.topic.InvalidTopicException;
import io.github.camelmqttbridge.mqtt.topic.TopicNames;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound PUBLISH, QoS 0/1/2, acknowledged only when the application says so. The QoS state per packet id lives in
 * {@link InboundQosTable} (phases and transitions are drawn there); this handler feeds it the packets and the
 * application's acknowledgements, writes what it decides, and routes each message through {@link SubscriptionFlow}.
 *
 * <p>Acks leave in the order the PUBLISH packets arrived, as MQTT requires, even when the application finishes them
 * out of order. When as many messages as our Receive Maximum are unacknowledged the flow pauses: further PUBLISH
 * packets are held (bounded) by {@link InboundPublishHold}, which still reads control packets (PINGRESP, acks of our
 * publishes), and the broker holds the rest. A copy of a message that the same subscribe() call already receives
 * through an overlapping filter is acknowledged at once, without delivery. A session store that cannot record a QoS
 * 2 id before PUBREC (or forget it before PUBCOMP) closes the connection with a {@link MqttSessionStoreException}.
 */
@ChannelHandler.Sharable
public final class InboundPublishFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishFlow.class);

    private final EventLoop loop;
    private final SessionStore store;
    private final FlowCounters metrics;
    private final SubscriptionFlow subscriptions;
    private final AckMode ackMode;
    private final int receiveMaximum;
    private final int topicAliasMaximum;
    private final boolean strictFlowControl;
    private boolean overshootReported;
    private final InboundQosTable table = new InboundQosTable();
    private final InboundQosTable.AckWriter ackWriter = new InboundQosTable.AckWriter() {
        @Override
        public void puback(int packetId) {
            connection.write(reply(MqttMessageType.PUBACK, packetId));
        }

        @Override
        public boolean pubrec(int packetId) {
            try {
                store.addInboundAwaitingRelease(packetId);
            } catch (IOException | RuntimeException e) {
                // Without the record a re-send after a crash would be delivered twice: better not ack now.
                storeFailed("record QoS 2 packet id " + packetId + " before PUBREC", e);
                return false;
            }
            connection.write(reply(MqttMessageType.PUBREC, packetId));
            return true;
        }

        @Override
        public void written(int qos, long arrivedNanos) {
            timings.acknowledgementWritten(qos, System.nanoTime() - arrivedNanos);
        }
    };
    /** Told the acknowledgement latency of each QoS 1/2 message (metrics); event loop only. */
    private volatile MessageTimings timings = MessageTimings.NONE;
    /** Messages no listener wanted yet (e.g. a persistent session's backlog before subscribe()). */
    private final ArrayDeque<InboundDelivery> unrouted = new ArrayDeque<>();
    /** Deliveries acknowledged on other threads, waiting for the event loop (see acknowledgedElsewhere). */
    private final Queue<InboundDelivery> acknowledgedElsewhere = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ackDrainScheduled = new AtomicBoolean();
    private MqttConnection connection;
    /** Messages delivered to the application and not yet settled (QoS 0 included): what pauses reading. */
    private int held;
    private boolean readingPaused;
    /** PUBCOMP / repeated PUBREC written during this read, flushed once at its end (event loop only). */
    private boolean flushAtReadComplete;

    public InboundPublishFlow(EventLoop loop, SessionStore store, FlowCounters metrics, SubscriptionFlow subscriptions,
            AckMode ackMode, int receiveMaximum, int topicAliasMaximum, boolean strictFlowControl) {
        this.loop = loop;
        this.store = store;
        this.metrics = metrics;
        this.subscriptions = subscriptions;
        this.ackMode = ackMode;
        this.receiveMaximum = receiveMaximum;
        this.topicAliasMaximum = topicAliasMaximum;
        this.strictFlowControl = strictFlowControl;
    }

    /** Where the acknowledgement latencies go (metrics); {@link MessageTimings#NONE} by default. */
    public void messageTimings(MessageTimings timings) {
        this.timings = timings == null ? MessageTimings.NONE : timings;
    }

    public void recoverAwaitingRelease(Set<Integer> packetIds) {
        table.recoverAwaitingPubrel(packetIds);
    }

    /** Messages delivered to the application and not yet acknowledged (QoS 0 included). */
    public int heldCount() {
        return held;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttPublishMessage publish) {
            try {
                onPublish(publish);
            } finally {
                ReferenceCountUtil.release(publish);
            }
        } else if (msg instanceof MqttMessage mqtt && mqtt.fixedHeader() != null
                && mqtt.fixedHeader().messageType() == MqttMessageType.PUBREL) {
            ReferenceCountUtil.release(msg);
            onPubrel(((MqttMessageIdVariableHeader) mqtt.variableHeader()).messageId());
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * One flush for all the PUBCOMPs (and repeated PUBRECs) answering what one socket read brought: a QoS 2 stream
     * would otherwise cost a write system call per message.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushAtReadComplete) {
            flushAtReadComplete = false;
            ctx.channel().flush(); // from the tail, as connection.write wrote
        }
        ctx.fireChannelReadComplete();
    }

    void onPublish(MqttPublishMessage publish) {
        int qos = publish.fixedHeader().qosLevel().value();
        int packetId = qos == 0 ? 0 : publish.variableHeader().packetId();
        String topic = resolveTopic(publish);
        if (topic == null) {
            return;
        }
        if (qos > 0 && !admissible(packetId, qos, publish.fixedHeader().isDup())) {
            return;
        }
        MessageProperties properties = connection.isV5()
                ? PropertiesMapper.fromNetty(publish.variableHeader().properties()) : MessageProperties.NONE;
        SubscriptionFlow.Route route = subscriptions.route(topic, properties.subscriptionIdentifiers());
        if (route.overlapCopy()) {
            // The same subscribe() call gets this message through another of its filters, as another copy with
            // its own packet id: this copy is answered at once, the delivered copy keeps its ack until it is done.
            metrics.onOverlapCopySuppressed();
            if (qos > 0) {
                table.acknowledged(table.admit(packetId, qos));
                drainAcks();
            }
            return;
        }
        InboundDelivery delivery = new InboundDelivery(this, topic, ByteBufUtil.getBytes(publish.payload()), qos,
                publish.fixedHeader().isRetain(), publish.fixedHeader().isDup(), packetId, properties,
                qos > 0 ? table.admit(packetId, qos, System.nanoTime()) : null);
        metrics.onReceived();
        held++;
        if (route.listeners().isEmpty()) {
            hold(delivery);
        } else {
            delivery.dispatch(route.listeners(), ackMode == AckMode.AUTO);
        }
        pauseReadingIfFull();
        metrics.inboundInflight(held);
    }

    /**
     * What the table says about a QoS 1/2 PUBLISH before it is delivered: a re-send of a message we hold is answered
     * (or waits for that message's ack), never delivered again.
     *
     * @return true for a new message the application should get
     */
    private boolean admissible(int packetId, int qos, boolean dup) {
        switch (table.phaseOf(packetId)) {
            case AWAITING_PUBREL -> {
                if (qos == 2) {
                    // Already acknowledged with PUBREC: the broker did not get it; say it again, deliver nothing.
                    metrics.onDuplicateSuppressed();
                    connection.write(reply(MqttMessageType.PUBREC, packetId));
                    flushAtReadComplete = true;
                    return false;
                }
                // A QoS 1 message under an id we still hold for a QoS 2 flow: the broker has finished that flow.
                LOG.warn("Broker {} sent a QoS 1 message with packet id {}, which awaits PUBREL of a QoS 2 message;"
                        + " treating the QoS 2 flow as finished", connection.limits().serverUri(), packetId);
                try {
                    store.removeInboundAwaitingRelease(packetId);
                } catch (IOException | RuntimeException e) {
                    storeFailed("forget QoS 2 packet id " + packetId + " (reused by the broker for a QoS 1 message)", e);
                    return false;
                }
                table.abandonRelease(packetId);
            }
            case DELIVERED, ACKED, DELIVERED_AWAITING_RESEND, ACKED_AWAITING_RESEND -> {
                // A re-send of a message the application is still processing (or processed while we were offline):
                // its ack answers this one too.
                if (qos == 2) {
                    metrics.onDuplicateSuppressed();
                }
                if (table.resendArrived(packetId)) {
                    drainAcks();
                }
                return false;
            }
            case DONE -> {
                // not in the table: a new message
            }
        }
        if (!dup && table.resendsOver()) {
            // A first transmission: the broker is past its re-sends, the acks still waiting for one go out now.
            drainAcks();
        }
        // Only messages whose ack is not written count here. QoS 2 ids already answered with PUBREC and waiting for
        // PUBREL cost us nothing but an entry, and Mosquitto 2.0 frees the slot on PUBREC (not PUBCOMP).
        return !(connection.isV5() && table.unacknowledged() >= receiveMaximum && !receiveMaximumExceeded());
    }

    /**
     * The broker sent more unacknowledged QoS 1/2 messages than our Receive Maximum. Mosquitto 2.0.x does this
     * under load (its own log shows more PUBLISH out than PUBACK in), so by default we accept the message and
     * say so once per connection: reading is already paused, which bounds what we hold to what was on the wire.
     * With strict flow control the connection is closed with 0x93 as MQTT 5 allows.
     *
     * @return true to accept the message anyway
     */
    private boolean receiveMaximumExceeded() {
        String what = "Broker " + connection.limits().serverUri() + " exceeded our Receive Maximum of " + receiveMaximum
                + " unacknowledged messages";
        if (strictFlowControl) {
            connection.fail(new MqttProtocolException(0x93, what + "; closing the connection"));
            return false;
        }
        if (!overshootReported) {
            overshootReported = true;
            LOG.warn("{}; accepting the extra messages (reading is paused until acknowledgements catch up)", what);
        }
        metrics.onReceiveMaximumExceeded();
        return true;
    }

    /**
     * A QoS {@code qos} PUBLISH arrived while the flow is paused, behind {@code heldQos12} QoS 1/2 ones already held
     * (see {@link InboundPublishHold}): the same Receive Maximum check as for a delivered one.
     *
     * @return false when the connection was closed for it (strict flow control)
     */
    boolean admitWhilePaused(int qos, int heldQos12) {
        if (qos == 0 || connection == null || !connection.isV5() || table.unacknowledged() + heldQos12 < receiveMaximum) {
            return true;
        }
        return receiveMaximumExceeded();
    }

    private String resolveTopic(MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        Integer alias = connection.isV5()
                ? PropertiesMapper.intValue(publish.variableHeader().properties(), MqttPropertyType.TOPIC_ALIAS) : null;
        if (alias != null) {
            if (alias < 1 || alias > topicAliasMaximum) {
                connection.fail(new MqttProtocolException(0x94, "Broker " + connection.limits().serverUri()
                        + " used topic alias " + alias + ", outside 1.." + topicAliasMaximum + "; closing the connection"));
                return null;
            }
            if (topic.isEmpty()) {
                topic = connection.inboundAliases().get(alias);
                if (topic == null) {
                    connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri()
                            + " used topic alias " + alias + " before defining it; closing the connection"));
                    return null;
                }
            } else {
                connection.inboundAliases().put(alias, topic);
            }
        }
        if (topic.isEmpty()) {
            connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri()
                    + " sent a PUBLISH without topic name or alias; closing the connection"));
            return null;
        }
        try {
            // U+0000 or a lone surrogate make the packet malformed (MQTT 1.5.4); checked here, before any state
            // changes, because the topic matcher would otherwise throw out of channelRead half-way through.
            TopicNames.validateTopicName(topic);
        } catch (InvalidTopicException e) {
            connection.fail(new MqttProtocolException(0x81, "Broker " + connection.limits().serverUri()
                    + " sent a PUBLISH with an invalid topic name (" + e.getMessage() + "); closing the connection"));
            return null;
        }
        return topic;
    }

    private void hold(InboundDelivery delivery) {
        if (unrouted.isEmpty()) {
            LOG.warn("Message on '{}' matches no subscription with a listener yet; holding it unacknowledged "
                    + "until one is added", delivery.topic());
        }
        unrouted.add(delivery);
    }

    /** A listener was added: try again what nobody wanted before. */
    public void rerouteUnrouted() {
        int n = unrouted.size();
        for (int i = 0; i < n; i++) {
            InboundDelivery delivery = unrouted.poll();
            SubscriptionFlow.Route route = subscriptions.route(delivery.topic(),
                    delivery.properties().subscriptionIdentifiers());
            if (route.overlapCopy()) {
                metrics.onOverlapCopySuppressed();
                acknowledged(delivery);
            } else if (route.listeners().isEmpty()) {
                unrouted.add(delivery);
            } else {
                delivery.dispatch(route.listeners(), ackMode == AckMode.AUTO);
            }
        }
    }

    /** Called by the delivery on the event loop when every listener has acknowledged. */
    void acknowledged(InboundDelivery delivery) {
        if (!settle(delivery)) {
            return;
        }
        metrics.onAcknowledged();
        if (delivery.entry() != null) {
            table.acknowledged(delivery.entry());
        }
        drainAcks();
        resumeReadingIfRoom();
        metrics.inboundInflight(held);
    }

    /**
     * Called on the event loop when a listener threw: nobody has the message, so no ack will come for it. It leaves
     * the arrival order unacknowledged, so later acks are not held behind it; the broker keeps it and re-sends it on
     * the next connection of a persistent session.
     */
    void failed(InboundDelivery delivery) {
        if (!settle(delivery)) {
            return;
        }
        if (delivery.entry() != null && table.failed(delivery.entry())) {
            drainAcks();
        }
        resumeReadingIfRoom();
        metrics.inboundInflight(held);
    }

    private boolean settle(InboundDelivery delivery) {
        if (!delivery.settle()) {
            return false;
        }
        held--;
        return true;
    }

    /**
     * Called by a delivery whose last listener acknowledged on another thread (e.g. a Camel route finishing in a
     * Kafka producer callback). The deliveries are queued and one event-loop task takes all that are queued by
     * then: PUBACK/PUBREC written in arrival order as before, but one task and one flush per batch instead of one
     * task and one flush per message.
     */
    void acknowledgedElsewhere(InboundDelivery delivery) {
        acknowledgedElsewhere.add(delivery);
        if (ackDrainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drainAcknowledgedElsewhere);
            } catch (RuntimeException e) {
                ackDrainScheduled.set(false);
                throw e;
            }
        }
    }

    private void drainAcknowledgedElsewhere() {
        ackDrainScheduled.set(false);
        int n = 0;
        InboundDelivery delivery;
        while ((delivery = acknowledgedElsewhere.poll()) != null) {
            if (settle(delivery)) {
                metrics.onAcknowledged();
                if (delivery.entry() != null) {
                    table.acknowledged(delivery.entry());
                }
                n++;
            }
        }
        if (n > 0) {
            drainAcks();
            resumeReadingIfRoom();
            metrics.inboundInflight(held);
        }
    }

    EventLoop loop() {
        return loop;
    }

    /** Writes the acks that are due (the table knows which), and flushes them once. */
    private void drainAcks() {
        if (connection == null || !connection.isActive()) {
            return;
        }
        if (table.drain(ackWriter) > 0) {
            connection.flush();
        }
    }

    private void onPubrel(int packetId) {
        boolean known = table.phaseOf(packetId) == InboundQosTable.Phase.AWAITING_PUBREL;
        if (known) {
            try {
                store.removeInboundAwaitingRelease(packetId);
            } catch (IOException | RuntimeException e) {
                // A stale id in the store would make a new QoS 2 message with this id look like a duplicate after a
                // restart (and be lost): no PUBCOMP now, the broker sends PUBREL again on the next connection.
                storeFailed("forget QoS 2 packet id " + packetId + " before PUBCOMP", e);
                return;
            }
            table.released(packetId);
        }
        MqttMessage pubcomp = known || !connection.isV5() ? reply(MqttMessageType.PUBCOMP, packetId)
                : new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        new MqttPubReplyMessageVariableHeader(packetId, (byte) 0x92, MqttProperties.NO_PROPERTIES));
        connection.write(pubcomp);
        flushAtReadComplete = true;
    }

    /** The store failed: the packet that depends on it is not written, and the connection is closed. */
    private void storeFailed(String what, Throwable e) {
        MqttSessionStoreException failure = new MqttSessionStoreException("Session store failed to " + what + " ("
                + e.getMessage() + "); closing the connection to " + connection.limits().serverUri()
                + " without answering: the broker keeps the message and sends it again on the next connection", e);
        LOG.error("{}", failure.getMessage());
        connection.fail(failure);
    }

    private static MqttMessage reply(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    private void pauseReadingIfFull() {
        if (!readingPaused && held >= receiveMaximum && connection != null) {
            readingPaused = true;
            connection.pauseInbound();
        }
    }

    private void resumeReadingIfRoom() {
        if (readingPaused && held < receiveMaximum) {
            readingPaused = false;
            if (connection != null) {
                connection.resumeInbound();
            }
        }
    }

    public void connected(MqttConnection connection, boolean sessionPresent) {
        this.connection = connection;
        this.overshootReported = false;
        if (!sessionPresent) {
            // The broker forgot its side: old packet ids mean nothing now. Messages still being processed
            // will be acknowledged into the void; the broker no longer expects those acks.
            if (table.unacknowledged() > 0 || table.awaitingPubrel() > 0) {
                LOG.warn("Broker has no session for us: {} unacknowledged and {} QoS 2 awaiting release are forgotten",
                        table.unacknowledged(), table.awaitingPubrel());
            }
            table.sessionLost();
        } else {
            // Session resumed: the broker re-sends (DUP=1, same packet id) every PUBLISH it has no ack for, and
            // that includes all of these: their acks were never written. Answer the re-sends instead of writing
            // the acks now. Written now, they can overtake the re-send: Mosquitto 2.0.11, restarted with more
            // messages in flight to us than max_inflight_messages, keeps the rest in its queue, answers a PUBREC
            // for one of them ("unknown packet identifier") with PUBREL all the same and re-sends the PUBLISH
            // afterwards; our PUBCOMP has then released the id and the re-send was delivered a second time
            // (RELIABILITY.md F1; the same for QoS 1 with PUBACK).
            table.resumed();
        }
        readingPaused = false;
        pauseReadingIfFull();
        drainAcks();
    }

    public void disconnected() {
        this.connection = null;
    }
}
