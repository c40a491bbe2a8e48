package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
import io.github.camelmqttbridge.mqtt.error.MqttClientException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.message.MessageTimings;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.github.camelmqttbridge.mqtt.reason.PacketKind;
import io.github.camelmqttbridge.mqtt.reason.ReasonCode;
import io.github.camelmqttbridge.mqtt.session.PacketIdAllocator;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.github.camelmqttbridge.mqtt.session.StoredPublish;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound PUBLISH, QoS 0/1/2. Keeps at most min(maxInflight, broker Receive Maximum) QoS 1/2 messages
 * unacknowledged; the rest wait in a bounded queue (and publish() fails fast beyond it). Each QoS 1/2
 * message is written to the session store before it goes on the wire and removed on PUBACK / PUBCOMP.
 *
 * <pre>
 * QoS 1: AWAIT_PUBACK --PUBACK--> done
 * QoS 2: AWAIT_PUBREC --PUBREC(ok)--> AWAIT_PUBCOMP (PUBREL sent) --PUBCOMP--> done
 *                     --PUBREC(>=0x80)--> failed
 *                     --PUBACK--> done as QoS 1 (a broker that downgrades QoS 2, e.g. RabbitMQ; warned once per connection)
 * Broker resumed a session we hold no state of (see MqttClient): before a packet id's first QoS 1/2 PUBLISH,
 *        PROBE_RELEASE (PUBREL sent, frees an id the broker may hold from an earlier run) --PUBCOMP--> PUBLISH as above
 * Re-send impossible (expired, or larger than the new Maximum Packet Size) while the broker may hold the id:
 *        WITHDRAW (PUBREL sent) --PUBCOMP 0x00--> done (the broker had it) / --PUBCOMP 0x92--> failed with the reason
 * </pre>
 * Survives the connection: on reconnect with the session present, PUBLISH is re-sent with DUP=1 and PUBREL
 * re-sent; when the broker lost the session, unconfirmed messages are sent again as new messages. Re-sends
 * respect the new connection's window and Maximum Packet Size, and MQTT 5 message expiry counts down while a
 * message waits with us (queued or awaiting its re-send).
 *
 * <p>Session store failures: a message that cannot be recorded before it goes on the wire fails its publish;
 * a PUBREC that cannot be recorded closes the connection (0x80) without sending PUBREL, as the inbound side does
 * for its QoS 2 record, so nothing moves on that the store does not know; a failed removal is logged.
 */
@ChannelHandler.Sharable
public final class OutboundPublishFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundPublishFlow.class);

    enum State { AWAIT_PUBACK, AWAIT_PUBREC, AWAIT_PUBCOMP, PROBE_RELEASE, WITHDRAW }

    private static final class Entry {
        final int packetId;
        final OutboundMessage message;
        final CompletableFuture<PublishResult> future;
        /** When publish() took the message (nanoTime), for message expiry; for recovered ones, when they were read. */
        final long acceptedAtNanos;
        State state;
        /** Waits for a free slot in the window to be re-sent on this connection. */
        boolean awaitingResend;
        /** WITHDRAW: why the message could not be re-sent. */
        String withdrawReason;
        /** The connection its PUBLISH was last written on, and when (nanoTime): see oldestUnansweredPublish(). */
        MqttConnection writtenOn;
        long writtenAtNanos;

        Entry(int packetId, OutboundMessage message, CompletableFuture<PublishResult> future, State state, long acceptedAtNanos) {
            this.packetId = packetId;
            this.message = message;
            this.future = future;
            this.state = state;
            this.acceptedAtNanos = acceptedAtNanos;
        }
    }

    private record Pending(OutboundMessage message, CompletableFuture<PublishResult> future, long acceptedAtNanos) {
    }

    private final PacketIdAllocator packetIds;
    private final SessionStore store;
    private final FlowCounters metrics;
    private final int maxInflight;
    private final int maxPending;
    private final boolean useTopicAliases;
    private final Map<Integer, Entry> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private LongSupplier nanoClock = System::nanoTime;
    /** Told the confirmation latency of each QoS 1/2 publish (metrics); event loop only. */
    private volatile MessageTimings timings = MessageTimings.NONE;
    private MqttConnection connection;
    private boolean sessionResumed;
    private int window;
    /** Entries of {@link #inflight} waiting for their re-send on this connection. */
    private int awaitingResendCount;
    /** Ids the broker may still hold from a run whose state we lost: released with PUBREL before first use. Or null. */
    private BitSet idsToProbe;
    private boolean downgradeReported;
    /** Inside beginBatch()/endBatch(): PUBLISH packets are written without a flush each, flushed at the end. */
    private boolean batching;
    private boolean flushNeeded;

    public OutboundPublishFlow(PacketIdAllocator packetIds, SessionStore store, FlowCounters metrics, int maxInflight,
            int maxPending, boolean useTopicAliases) {
        this.packetIds = packetIds;
        this.store = store;
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.maxPending = maxPending;
        this.useTopicAliases = useTopicAliases;
        this.window = maxInflight;
    }

    /** Tests only: the clock message expiry is counted with. */
    void nanoClock(LongSupplier clock) {
        this.nanoClock = clock;
    }

    /** Messages recovered from the session store at start: resent on the first connection. */
    /** Where the confirmation latencies go (metrics); {@link MessageTimings#NONE} by default. */
    public void messageTimings(MessageTimings timings) {
        this.timings = timings == null ? MessageTimings.NONE : timings;
    }

    public void recover(StoredPublish stored) {
        packetIds.claim(stored.packetId());
        OutboundMessage message = new OutboundMessage(stored.topic(), stored.payload(), stored.qos(), stored.retain(),
                PropertiesMapper.fromStoreBytes(stored.properties()));
        State state = stored.qos() == 1 ? State.AWAIT_PUBACK : stored.released() ? State.AWAIT_PUBCOMP : State.AWAIT_PUBREC;
        // The store does not keep when the message was taken: its expiry counts from this restart.
        inflight.put(stored.packetId(), new Entry(stored.packetId(), message, new CompletableFuture<>(), state,
                nanoClock.getAsLong()));
        updateMetrics();
    }

    /**
     * Called before {@link #connected} when the broker resumed a session whose state we do not hold: any packet id
     * may still be held by the broker from an earlier run (a QoS 2 PUBLISH it got but whose PUBREL never came), and a
     * new message with that id would be taken for a duplicate and dropped. Each id is released with PUBREL before
     * its first use; the broker answers PUBCOMP whether it held it or not. Event loop only.
     */
    public void brokerMayHoldPacketIds() {
        idsToProbe = new BitSet(PacketIdAllocator.MAX_ID + 1);
        idsToProbe.set(1, PacketIdAllocator.MAX_ID + 1);
    }

    public int inflightCount() {
        return inflight.size();
    }

    public int pendingCount() {
        return pending.size();
    }

    /** Event loop only: publishes until {@link #endBatch()} are written, and flushed once at its end. */
    public void beginBatch() {
        batching = true;
    }

    /** Event loop only: flushes what the batch wrote. */
    public void endBatch() {
        batching = false;
        if (flushNeeded) {
            flushNeeded = false;
            if (connection != null) {
                connection.flush();
            }
        }
    }

    private void writeOut(MqttMessage packet) {
        if (batching) {
            connection.write(packet);
            flushNeeded = true;
        } else {
            connection.writeAndFlush(packet);
        }
    }

    /** Event loop only. */
    public void publish(OutboundMessage message, CompletableFuture<PublishResult> future) {
        long now = nanoClock.getAsLong();
        if (connection != null && message.qos() == 0 && pending.isEmpty()) {
            sendQos0(message, future, now);
        } else if (connection != null && message.qos() > 0 && pending.isEmpty() && hasRoomForNew()) {
            if (!send(message, future, now)) {
                pending.addFirst(new Pending(message, future, now));
            }
        } else if (pending.size() < maxPending) {
            pending.add(new Pending(message, future, now));
        } else {
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic()
                    + "': " + pending.size() + " messages are already waiting (maxPendingPublishes=" + maxPending
                    + ") because the broker is not confirming fast enough or the connection is down"));
        }
        updateMetrics();
    }

    /** A new QoS 1/2 message may go out: no re-send is waiting and the window has room. */
    private boolean hasRoomForNew() {
        return awaitingResendCount == 0 && inflight.size() < window;
    }

    private void sendQos0(OutboundMessage message, CompletableFuture<PublishResult> future, long acceptedAtNanos) {
        OutboundMessage now = withRemainingExpiry(message, acceptedAtNanos);
        if (now == null) {
            failExpired(message, future, acceptedAtNanos);
            return;
        }
        if (!checkSize(now, future)) {
            return;
        }
        metrics.onPublished();
        MqttPublishMessage publish = buildPublish(now, 0, false, true);
        io.netty.channel.ChannelFuture written;
        if (batching) {
            written = connection.channel().write(publish);
            flushNeeded = true;
        } else {
            written = connection.channel().writeAndFlush(publish);
        }
        written.addListener(f -> {
            if (f.isSuccess()) {
                metrics.onPublishConfirmed();
                future.complete(new PublishResult(0, 0, 0, "written"));
            } else {
                metrics.onPublishFailed();
                future.completeExceptionally(new MqttClientException("QoS 0 message to '" + message.topic()
                        + "' could not be written: " + f.cause(), f.cause()));
            }
        });
    }

    /**
     * Sends a new QoS 1/2 message, or fails its future (expired, too large, not recorded).
     *
     * @return false when no packet id is free: the caller keeps the message waiting
     */
    private boolean send(OutboundMessage message, CompletableFuture<PublishResult> future, long acceptedAtNanos) {
        OutboundMessage now = withRemainingExpiry(message, acceptedAtNanos);
        if (now == null) {
            failExpired(message, future, acceptedAtNanos);
            return true;
        }
        if (!checkSize(now, future)) {
            return true;
        }
        int packetId = packetIds.allocate();
        if (packetId == 0) {
            return false;
        }
        try {
            store.saveOutbound(new StoredPublish(packetId, message.topic(), message.payload(), message.qos(),
                    message.retain(), false, PropertiesMapper.toStoreBytes(message.properties())));
        } catch (IOException | RuntimeException e) {
            packetIds.release(packetId);
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic()
                    + "': the session store failed to record the message: " + e.getMessage(), e));
            return true;
        }
        Entry entry = new Entry(packetId, message, future, initialState(message), acceptedAtNanos);
        inflight.put(packetId, entry);
        metrics.onPublished();
        if (idsToProbe != null && idsToProbe.get(packetId)) {
            entry.state = State.PROBE_RELEASE;
            writeOut(pubrel(packetId));
        } else {
            writeOut(buildPublish(now, packetId, false, true));
            entry.writtenOn = connection;
            entry.writtenAtNanos = nanoClock.getAsLong();
        }
        return true;
    }

    private static State initialState(OutboundMessage message) {
        return message.qos() == 1 ? State.AWAIT_PUBACK : State.AWAIT_PUBREC;
    }

    /**
     * The message as it goes out now: with MQTT 5 message expiry lowered by the time it has waited with us (whole
     * seconds, as the broker does for what it holds), or null when it has expired.
     */
    private OutboundMessage withRemainingExpiry(OutboundMessage message, long acceptedAtNanos) {
        Long expiry = message.properties().messageExpiryInterval();
        if (expiry == null || connection == null || !connection.isV5()) {
            return message;
        }
        long waited = TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - acceptedAtNanos);
        if (waited <= 0) {
            return message;
        }
        if (waited >= expiry) {
            return null;
        }
        return new OutboundMessage(message.topic(), message.payload(), message.qos(), message.retain(),
                message.properties().toBuilder().messageExpiryInterval(expiry - waited).build());
    }

    private void failExpired(OutboundMessage message, CompletableFuture<PublishResult> future, long acceptedAtNanos) {
        metrics.onPublishFailed();
        future.completeExceptionally(new MqttClientException("Message to '" + message.topic() + "' expired before it"
                + " could be sent: its message expiry interval is " + message.properties().messageExpiryInterval()
                + " s and it waited " + TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - acceptedAtNanos) + " s"));
    }

    /** MQTT 5 brokers announce a maximum packet size: refuse a message that would break it before sending. */
    private boolean checkSize(OutboundMessage message, CompletableFuture<PublishResult> future) {
        String tooLarge = tooLarge(message);
        if (tooLarge != null) {
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic() + "': " + tooLarge));
            return false;
        }
        return true;
    }

    /** Why the message does not fit this connection's Maximum Packet Size, or null. */
    private String tooLarge(OutboundMessage message) {
        int max = connection.limits().maximumPacketSize();
        long total = encodedSize(message, connection.isV5(), mayAddTopicAlias());
        return total > max ? "the packet (" + total + " bytes) is larger than the broker's maximum packet size ("
                + max + " bytes)" : null;
    }

    private boolean mayAddTopicAlias() {
        return useTopicAliases && connection.isV5() && connection.limits().topicAliasMaximum() > 0;
    }

    /**
     * The size of the PUBLISH on the wire: fixed header, topic, packet id (QoS 1/2), MQTT 5 property length
     * and properties, payload. With {@code alias} the 3 bytes of a Topic Alias property are counted too.
     */
    static long encodedSize(OutboundMessage message, boolean v5, boolean alias) {
        long remaining = 2L + PropertiesMapper.utf8Length(message.topic()) + (message.qos() > 0 ? 2 : 0)
                + message.payload().length;
        if (v5) {
            int props = PropertiesMapper.encodedLength(message.properties()) + (alias ? 3 : 0);
            remaining += variableByteIntegerSize(props) + props;
        }
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    private static int variableByteIntegerSize(long value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private MqttPublishMessage buildPublish(OutboundMessage message, int packetId, boolean dup, boolean allowAlias) {
        String topic = message.topic();
        MqttProperties props = connection.isV5() ? PropertiesMapper.toNetty(message.properties()) : new MqttProperties();
        if (allowAlias && useTopicAliases && connection.isV5() && connection.limits().topicAliasMaximum() > 0) {
            Integer alias = connection.outboundAliases().get(topic);
            if (alias != null) {
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), alias));
                topic = "";
            } else if (connection.outboundAliases().size() < connection.limits().topicAliasMaximum()) {
                int next = connection.outboundAliases().size() + 1;
                connection.outboundAliases().put(topic, next);
                props.add(new MqttProperties.IntegerProperty(MqttPropertyType.TOPIC_ALIAS.value(), next));
            }
        }
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(message.qos()),
                message.retain(), 0);
        return new MqttPublishMessage(header, new MqttPublishVariableHeader(topic, packetId, props),
                Unpooled.wrappedBuffer(message.payload()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage mqtt) || mqtt.fixedHeader() == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        MqttMessageType type = mqtt.fixedHeader().messageType();
        if (type != MqttMessageType.PUBACK && type != MqttMessageType.PUBREC && type != MqttMessageType.PUBCOMP) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            Object header = mqtt.variableHeader();
            int packetId = ((MqttMessageIdVariableHeader) header).messageId();
            int reasonCode = 0;
            String reasonString = null;
            if (header instanceof MqttPubReplyMessageVariableHeader reply) {
                reasonCode = reply.reasonCode() & 0xFF;
                reasonString = PropertiesMapper.stringValue(reply.properties(), MqttPropertyType.REASON_STRING);
            }
            onReply(type, packetId, reasonCode, reasonString);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    void onReply(MqttMessageType type, int packetId, int reasonCode, String reasonString) {
        Entry entry = inflight.get(packetId);
        if (entry == null || !expects(entry.state, type)) {
            connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri() + " sent " + type
                    + " for packet id " + packetId + (entry == null ? ", which is not in flight" : ", which is in state "
                    + entry.state) + "; closing the connection"));
            return;
        }
        if (entry.state == State.PROBE_RELEASE) {
            // The broker no longer holds the id (whether it did or not): the message can go out with it now.
            idsToProbe.clear(packetId);
            entry.state = initialState(entry.message);
            sendAgain(entry, false);
            return;
        }
        if (entry.state == State.WITHDRAW) {
            finishWithdrawn(entry, reasonCode);
            return;
        }
        if (type == MqttMessageType.PUBREC && reasonCode < 0x80) {
            if (entry.state == State.AWAIT_PUBREC) {
                try {
                    store.markReleased(packetId);
                } catch (IOException | RuntimeException e) {
                    // Sending PUBREL without the record would, after a crash, re-send a PUBLISH the broker may have
                    // completed by then: a duplicate. Close instead; on reconnect the PUBLISH is re-sent (DUP) and the
                    // broker's PUBREC comes again.
                    LOG.error("Session store failed to record PUBREC for packet id {}; not releasing it: {}", packetId,
                            e.getMessage());
                    connection.fail(new MqttProtocolException(0x80, "Session store failed to record PUBREC for packet id "
                            + packetId + ": " + e.getMessage() + "; closing the connection"));
                    return;
                }
                entry.state = State.AWAIT_PUBCOMP;
            }
            connection.writeAndFlush(pubrel(packetId));
            return;
        }
        boolean downgraded = type == MqttMessageType.PUBACK && entry.message.qos() == 2;
        complete(entry);
        PacketKind kind = type == MqttMessageType.PUBACK ? PacketKind.PUBACK
                : type == MqttMessageType.PUBREC ? PacketKind.PUBREC : PacketKind.PUBCOMP;
        String reason = ReasonCode.describe(reasonCode, kind) + (reasonString == null ? "" : " - " + reasonString);
        if (reasonCode >= 0x80) {
            metrics.onPublishFailed();
            entry.future.completeExceptionally(new MqttPublishRefusedException(entry.message.topic(), packetId, reasonCode, reason));
        } else if (downgraded) {
            if (!downgradeReported) {
                downgradeReported = true;
                LOG.warn("Broker {} answered a QoS 2 PUBLISH (to '{}') with PUBACK: it downgrades QoS 2 to 1 (RabbitMQ"
                        + " does), so such messages are delivered at least once, not exactly once. Said once per connection.",
                        connection.limits().serverUri(), entry.message.topic());
            }
            metrics.onPublishConfirmed();
            timings.publishConfirmed(1, nanoClock.getAsLong() - entry.acceptedAtNanos);
            entry.future.complete(new PublishResult(packetId, 1, reasonCode,
                    reason + " (PUBACK to a QoS 2 PUBLISH: the broker downgraded it to QoS 1)"));
        } else {
            metrics.onPublishConfirmed();
            timings.publishConfirmed(entry.message.qos(), nanoClock.getAsLong() - entry.acceptedAtNanos);
            entry.future.complete(new PublishResult(packetId, entry.message.qos(), reasonCode, reason));
        }
        drain();
    }

    /** Which replies a state takes; anything else is a protocol error. */
    private static boolean expects(State state, MqttMessageType type) {
        return switch (state) {
            case AWAIT_PUBACK -> type == MqttMessageType.PUBACK;
            // PUBACK: a broker that downgrades QoS 2 to 1 (RabbitMQ 3.x) completes the message as QoS 1
            case AWAIT_PUBREC -> type == MqttMessageType.PUBREC || type == MqttMessageType.PUBACK;
            // a repeated PUBREC is answered with PUBREL again
            case AWAIT_PUBCOMP -> type == MqttMessageType.PUBCOMP || type == MqttMessageType.PUBREC;
            case PROBE_RELEASE, WITHDRAW -> type == MqttMessageType.PUBCOMP;
        };
    }

    /** The entry is done: forgotten by the flow, the allocator and the store. */
    private void complete(Entry entry) {
        inflight.remove(entry.packetId);
        if (entry.awaitingResend) {
            entry.awaitingResend = false;
            awaitingResendCount--;
        }
        packetIds.release(entry.packetId);
        forget(entry.packetId);
    }

    /** PUBCOMP for a message we could not re-send: 0x00 says the broker had it after all, 0x92 that it did not. */
    private void finishWithdrawn(Entry entry, int reasonCode) {
        complete(entry);
        if (reasonCode < 0x80) {
            metrics.onPublishConfirmed();
            entry.future.complete(new PublishResult(entry.packetId, 2, reasonCode,
                    "received by the broker before the connection was lost (PUBCOMP to our PUBREL)"));
        } else {
            metrics.onPublishFailed();
            entry.future.completeExceptionally(new MqttClientException("Message to '" + entry.message.topic()
                    + "' (packet id " + entry.packetId + ") was not delivered: " + entry.withdrawReason));
        }
        drain();
    }

    private static MqttMessage pubrel(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    /** Sends what waits, as far as the window allows: re-sends first, then new messages. */
    private void drain() {
        resendWaiting();
        while (connection != null && !pending.isEmpty()) {
            Pending next = pending.peek();
            if (next.message().qos() > 0 && !hasRoomForNew()) {
                break;
            }
            pending.poll();
            if (next.message().qos() == 0) {
                sendQos0(next.message(), next.future(), next.acceptedAtNanos());
            } else if (!send(next.message(), next.future(), next.acceptedAtNanos())) {
                // every packet id is in use: wait for one to be released (a reply drains again)
                pending.addFirst(next);
                break;
            }
        }
        updateMetrics();
    }

    /** Re-sends what waits for its turn on this connection, oldest first, while the window has room. */
    private void resendWaiting() {
        if (connection == null || awaitingResendCount == 0) {
            return;
        }
        for (Entry entry : new java.util.ArrayList<>(inflight.values())) {
            if (awaitingResendCount == 0 || inflight.size() - awaitingResendCount >= window) {
                break;
            }
            if (entry.awaitingResend) {
                entry.awaitingResend = false;
                awaitingResendCount--;
                sendAgain(entry, sessionResumed);
            }
        }
    }

    /**
     * Writes the PUBLISH of an entry again (or for the first time after a probe), unless it can no longer go: expired,
     * or larger than this connection's Maximum Packet Size. Such a QoS 2 message the broker may already have (on a
     * resumed session) is withdrawn with PUBREL, which also frees its packet id at the broker; any other is failed.
     */
    private void sendAgain(Entry entry, boolean dup) {
        OutboundMessage now = withRemainingExpiry(entry.message, entry.acceptedAtNanos);
        String problem = now == null ? "it expired while waiting to be re-sent (message expiry interval "
                + entry.message.properties().messageExpiryInterval() + " s)" : tooLarge(now);
        if (problem == null) {
            writeOut(buildPublish(now, entry.packetId, dup, false));
            entry.writtenOn = connection;
            entry.writtenAtNanos = nanoClock.getAsLong();
            return;
        }
        if (dup && entry.message.qos() == 2) {
            entry.state = State.WITHDRAW;
            entry.withdrawReason = problem;
            writeOut(pubrel(entry.packetId));
            return;
        }
        complete(entry);
        metrics.onPublishFailed();
        entry.future.completeExceptionally(new MqttClientException("Message to '" + entry.message.topic()
                + "' (packet id " + entry.packetId + ") could not be sent again: " + problem));
    }

    /** A QoS 1/2 PUBLISH written on the current connection that the broker has not answered at all. */
    public record UnansweredPublish(int packetId, String topic, int qos, long writtenAtNanos) {
    }

    /**
     * The oldest QoS 1/2 PUBLISH written on the current connection and not answered yet (no PUBACK / PUBREC), or
     * null. Event loop only; asked by the client when the broker closed the connection, before {@link #disconnected()}.
     */
    public UnansweredPublish oldestUnansweredPublish() {
        for (Entry entry : inflight.values()) {
            if (entry.writtenOn == connection && connection != null
                    && (entry.state == State.AWAIT_PUBACK || entry.state == State.AWAIT_PUBREC)) {
                return new UnansweredPublish(entry.packetId, entry.message.topic(), entry.message.qos(), entry.writtenAtNanos);
            }
        }
        return null;
    }

    /**
     * Gives up on an unanswered message the broker refuses by closing the connection (NATS on a QoS 2 PUBLISH,
     * RabbitMQ on a PUBLISH the user may not make): its publish fails with {@code reason}, it is not sent again.
     */
    public void refuseUnanswered(int packetId, String reason) {
        Entry entry = inflight.get(packetId);
        if (entry == null || (entry.state != State.AWAIT_PUBACK && entry.state != State.AWAIT_PUBREC)) {
            return;
        }
        complete(entry);
        metrics.onPublishFailed();
        entry.future.completeExceptionally(new MqttPublishRefusedException(entry.message.topic(), packetId, 0x80, reason));
        updateMetrics();
    }

    /** A new connection is up. */
    public void connected(MqttConnection connection, boolean sessionPresent) {
        this.connection = connection;
        this.sessionResumed = sessionPresent;
        this.downgradeReported = false;
        this.window = Math.max(1, Math.min(maxInflight, connection.limits().receiveMaximum()));
        if (!sessionPresent) {
            idsToProbe = null;
        }
        awaitingResendCount = 0;
        // In the original order. The broker's Receive Maximum (and Maximum Packet Size) may have changed with this
        // CONNACK: only as many go out now as the new window takes, the rest as replies free slots.
        int onWire = 0;
        for (Entry entry : new java.util.ArrayList<>(inflight.values())) {
            entry.awaitingResend = false;
            switch (entry.state) {
                case AWAIT_PUBCOMP -> {
                    if (sessionPresent) {
                        connection.write(pubrel(entry.packetId));
                        onWire++;
                    } else {
                        // The broker confirmed receipt with PUBREC before it lost the session: the message was delivered.
                        complete(entry);
                        metrics.onPublishConfirmed();
                        entry.future.complete(new PublishResult(entry.packetId, 2, 0,
                                "received (PUBREC) before the broker lost the session"));
                    }
                }
                case PROBE_RELEASE, WITHDRAW -> {
                    if (sessionPresent) {
                        connection.write(pubrel(entry.packetId));
                        onWire++;
                    } else if (entry.state == State.WITHDRAW) {
                        complete(entry);
                        metrics.onPublishFailed();
                        entry.future.completeExceptionally(new MqttClientException("Message to '" + entry.message.topic()
                                + "' (packet id " + entry.packetId + ") was not delivered: " + entry.withdrawReason
                                + ", and the broker lost the session"));
                    } else {
                        // the broker holds nothing now, that id included
                        entry.state = initialState(entry.message);
                        onWire += resendOrWait(entry, true, onWire);
                    }
                }
                case AWAIT_PUBACK, AWAIT_PUBREC -> onWire += resendOrWait(entry, !sessionPresent, onWire);
            }
        }
        connection.flush();
        drain();
    }

    /**
     * Re-sends an entry on this connection if the window has room, else queues it for later. When the broker lost the
     * session the client cleared the store: {@code record} writes the message again first, or a crash now would lose
     * it; if that fails, the publish fails.
     *
     * @return 1 if the entry went on the wire now
     */
    private int resendOrWait(Entry entry, boolean record, int onWire) {
        if (record && !save(entry)) {
            complete(entry);
            metrics.onPublishFailed();
            entry.future.completeExceptionally(new MqttClientException("Message to '" + entry.message.topic()
                    + "' (packet id " + entry.packetId + ") was not delivered: the broker lost the session and the session"
                    + " store failed to record the message again"));
            return 0;
        }
        if (awaitingResendCount == 0 && onWire < window) {
            sendAgain(entry, sessionResumed);
            return inflight.containsKey(entry.packetId) ? 1 : 0;
        }
        entry.awaitingResend = true;
        awaitingResendCount++;
        return 0;
    }

    public void disconnected() {
        this.connection = null;
    }

    /** The client is closing for good: fail what never got confirmed. */
    public void failAll(MqttClientException cause) {
        for (Entry entry : inflight.values()) {
            entry.future.completeExceptionally(cause);
        }
        inflight.clear();
        awaitingResendCount = 0;
        for (Pending p : pending) {
            p.future().completeExceptionally(cause);
        }
        pending.clear();
        updateMetrics();
    }

    private boolean save(Entry entry) {
        OutboundMessage m = entry.message;
        try {
            store.saveOutbound(new StoredPublish(entry.packetId, m.topic(), m.payload(), m.qos(), m.retain(), false,
                    PropertiesMapper.toStoreBytes(m.properties())));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to record packet id {} again; failing that publish: {}", entry.packetId,
                    e.getMessage());
            return false;
        }
    }

    private void forget(int packetId) {
        try {
            store.removeOutbound(packetId);
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to forget packet id {}: {}", packetId, e.getMessage());
        }
    }

    private void updateMetrics() {
        metrics.outboundInflight(inflight.size(), pending.size());
    }

}
