package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.AckMode;
import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.MessageListener;
import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
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
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound PUBLISH, QoS 0/1/2, acknowledged only when the application says so.
 *
 * <pre>
 * QoS 1: DELIVERED --acknowledge()--> PUBACK written (in arrival order)
 * QoS 2: DELIVERED --acknowledge()--> id stored, PUBREC written --PUBREL--> id forgotten, PUBCOMP written
 *        a PUBLISH re-sent with an id awaiting PUBREL, or still being processed, is not delivered again
 * Resumed session: acks of messages from an earlier connection answer the broker's re-send of each (or go out
 *        at its first new QoS 1/2 message), never ahead of the re-send
 * </pre>
 * Acks leave in the order the PUBLISH packets arrived, as MQTT requires, even when the application
 * finishes them out of order. When as many messages as our Receive Maximum are unacknowledged the channel
 * stops reading: the broker holds the rest, our heap does not.
 */
@ChannelHandler.Sharable
public final class InboundPublishFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(InboundPublishFlow.class);

    private final EventLoop loop;
    private final SessionStore store;
    private final ClientMetrics metrics;
    private final SubscriptionFlow subscriptions;
    private final AckMode ackMode;
    private final int receiveMaximum;
    private final int topicAliasMaximum;
    private final boolean strictFlowControl;
    private boolean overshootReported;
    /** QoS 1/2 deliveries in arrival order, until their ack has been written. */
    private final ArrayDeque<InboundDelivery> ackQueue = new ArrayDeque<>();
    private final Map<Integer, InboundDelivery> unacknowledged = new HashMap<>();
    private final Set<Integer> awaitingRelease = new HashSet<>();
    /** Messages no listener wanted yet (e.g. a persistent session's backlog before subscribe()). */
    private final ArrayDeque<InboundDelivery> unrouted = new ArrayDeque<>();
    /** Deliveries acknowledged on other threads, waiting for the event loop (see acknowledgedElsewhere). */
    private final java.util.Queue<InboundDelivery> acknowledgedElsewhere = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean ackDrainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private MqttConnection connection;
    private int held;
    /** Deliveries in ackQueue whose ack waits for the broker's re-send: lets a first transmission skip the scan. */
    private int awaitingResendCount;
    private boolean readingPaused;
    /** PUBCOMP / repeated PUBREC written during this read, flushed once at its end (event loop only). */
    private boolean flushAtReadComplete;

    public InboundPublishFlow(EventLoop loop, SessionStore store, ClientMetrics metrics, SubscriptionFlow subscriptions,
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

    public void recoverAwaitingRelease(Set<Integer> packetIds) {
        awaitingRelease.addAll(packetIds);
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
        if (qos == 2 && awaitingRelease.contains(packetId)) {
            // Already acknowledged with PUBREC: the broker did not get it; say it again, deliver nothing.
            metrics.onDuplicateSuppressed();
            connection.write(reply(MqttMessageType.PUBREC, packetId));
            flushAtReadComplete = true;
            return;
        }
        InboundDelivery pending = qos > 0 ? unacknowledged.get(packetId) : null;
        if (pending != null) {
            // A re-send of a message the application is still processing (or processed while we were offline):
            // its ack answers this one too.
            if (qos == 2) {
                metrics.onDuplicateSuppressed();
            }
            if (pending.awaitingResend()) {
                pending.awaitingResend(false);
                awaitingResendCount--;
                drainAcks();
            }
            return;
        }
        if (qos > 0 && !publish.fixedHeader().isDup()) {
            // A first transmission: the broker is past its re-sends, the acks still waiting for one go out now.
            stopAwaitingResends();
        }
        // Only messages still waiting for the application's acknowledge count here. QoS 2 ids already answered
        // with PUBREC and waiting for PUBREL cost us nothing but an int, and Mosquitto 2.0 frees the slot on
        // PUBREC (not PUBCOMP).
        if (qos > 0 && connection.isV5() && unacknowledged.size() >= receiveMaximum && !receiveMaximumExceeded()) {
            return;
        }
        InboundDelivery delivery = new InboundDelivery(this, topic, ByteBufUtil.getBytes(publish.payload()), qos,
                publish.fixedHeader().isRetain(), publish.fixedHeader().isDup(), packetId,
                connection.isV5() ? PropertiesMapper.fromNetty(publish.variableHeader().properties())
                        : io.github.camelmqttbridge.mqtt.client.MessageProperties.NONE);
        metrics.onReceived();
        held++;
        if (qos > 0) {
            unacknowledged.put(packetId, delivery);
            ackQueue.add(delivery);
        }
        route(delivery);
        pauseReadingIfFull();
        metrics.inboundInflight(held);
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

    private void route(InboundDelivery delivery) {
        List<MessageListener> listeners = subscriptions.listenersFor(delivery.topic());
        if (listeners.isEmpty()) {
            if (unrouted.isEmpty()) {
                LOG.warn("Message on '{}' matches no subscription with a listener yet; holding it unacknowledged "
                        + "until one is added", delivery.topic());
            }
            unrouted.add(delivery);
            return;
        }
        delivery.dispatch(listeners, ackMode == AckMode.AUTO);
    }

    /** A listener was added: try again what nobody wanted before. */
    public void rerouteUnrouted() {
        int n = unrouted.size();
        for (int i = 0; i < n; i++) {
            route(unrouted.poll());
        }
    }

    /** Called by the delivery on the event loop when every listener has acknowledged. */
    void acknowledged(InboundDelivery delivery) {
        held--;
        metrics.onAcknowledged();
        drainAcks();
        resumeReadingIfRoom();
        metrics.inboundInflight(held);
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
            delivery.markAcknowledgedOnLoop();
            held--;
            metrics.onAcknowledged();
            n++;
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

    /** Writes acks from the head of the arrival-ordered queue while they are done. */
    private void drainAcks() {
        if (connection == null || !connection.isActive()) {
            return;
        }
        boolean wrote = false;
        while (!ackQueue.isEmpty() && ackQueue.peek().isAcknowledgedOnLoop() && !ackQueue.peek().awaitingResend()) {
            InboundDelivery done = ackQueue.poll();
            unacknowledged.remove(done.packetId());
            if (done.qos() == 1) {
                connection.write(reply(MqttMessageType.PUBACK, done.packetId()));
            } else {
                try {
                    store.addInboundAwaitingRelease(done.packetId());
                } catch (IOException | RuntimeException e) {
                    // Without the record a re-send after a crash would be delivered twice: better not ack now.
                    LOG.error("Session store failed to record QoS 2 packet id {}; not acknowledging it: {}",
                            done.packetId(), e.getMessage());
                    connection.fail(new MqttProtocolException(0x80, "session store failure"));
                    return;
                }
                awaitingRelease.add(done.packetId());
                connection.write(reply(MqttMessageType.PUBREC, done.packetId()));
            }
            wrote = true;
        }
        if (wrote) {
            connection.flush();
        }
    }

    /** The broker will not re-send the messages whose acks wait for a re-send: write those acks. */
    private void stopAwaitingResends() {
        if (awaitingResendCount == 0) {
            return; // the usual case: without this check every PUBLISH would scan the whole window
        }
        for (InboundDelivery d : ackQueue) {
            d.awaitingResend(false);
        }
        awaitingResendCount = 0;
        drainAcks();
    }

    private void onPubrel(int packetId) {
        boolean known = awaitingRelease.remove(packetId);
        if (known) {
            try {
                store.removeInboundAwaitingRelease(packetId);
            } catch (IOException | RuntimeException e) {
                LOG.error("Session store failed to forget QoS 2 packet id {}: {}", packetId, e.getMessage());
            }
        }
        MqttMessage pubcomp = known || !connection.isV5() ? reply(MqttMessageType.PUBCOMP, packetId)
                : new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        new MqttPubReplyMessageVariableHeader(packetId, (byte) 0x92, MqttProperties.NO_PROPERTIES));
        connection.write(pubcomp);
        flushAtReadComplete = true;
    }

    private static MqttMessage reply(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0), MqttMessageIdVariableHeader.from(packetId));
    }

    private void pauseReadingIfFull() {
        if (!readingPaused && held >= receiveMaximum && connection != null) {
            readingPaused = true;
            connection.channel().config().setAutoRead(false);
        }
    }

    private void resumeReadingIfRoom() {
        if (readingPaused && held < receiveMaximum) {
            readingPaused = false;
            if (connection != null) {
                connection.channel().config().setAutoRead(true);
            }
        }
    }

    public void connected(MqttConnection connection, boolean sessionPresent) {
        this.connection = connection;
        this.overshootReported = false;
        if (!sessionPresent) {
            // The broker forgot its side: old packet ids mean nothing now. Messages still being processed
            // will be acknowledged into the void; the broker no longer expects those acks.
            if (!ackQueue.isEmpty() || !awaitingRelease.isEmpty()) {
                LOG.warn("Broker has no session for us: {} unacknowledged and {} QoS 2 awaiting release are forgotten",
                        ackQueue.size(), awaitingRelease.size());
            }
            for (InboundDelivery d : ackQueue) {
                d.orphan();
            }
            ackQueue.clear();
            awaitingResendCount = 0;
            unacknowledged.clear();
            awaitingRelease.clear();
        } else {
            // Session resumed: the broker re-sends (DUP=1, same packet id) every PUBLISH it has no ack for, and
            // that includes all of these: their acks were never written. Answer the re-sends instead of writing
            // the acks now. Written now, they can overtake the re-send: Mosquitto 2.0.11, restarted with more
            // messages in flight to us than max_inflight_messages, keeps the rest in its queue, answers a PUBREC
            // for one of them ("unknown packet identifier") with PUBREL all the same and re-sends the PUBLISH
            // afterwards; our PUBCOMP has then released the id and the re-send was delivered a second time
            // (RELIABILITY.md F1; the same for QoS 1 with PUBACK).
            for (InboundDelivery d : ackQueue) {
                d.awaitingResend(true);
            }
            awaitingResendCount = ackQueue.size();
        }
        readingPaused = false;
        pauseReadingIfFull();
        drainAcks();
    }

    public void disconnected() {
        this.connection = null;
    }
}
