package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.client.ClientMetrics;
import io.github.camelmqttbridge.mqtt.client.MqttClientException;
import io.github.camelmqttbridge.mqtt.client.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.client.MqttPublishRefusedException;
import io.github.camelmqttbridge.mqtt.client.OutboundMessage;
import io.github.camelmqttbridge.mqtt.client.PublishResult;
import io.github.camelmqttbridge.mqtt.codec.PropertiesMapper;
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
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * </pre>
 * Survives the connection: on reconnect with the session present, PUBLISH is re-sent with DUP=1 and PUBREL
 * re-sent; when the broker lost the session, unconfirmed messages are sent again as new messages.
 */
@ChannelHandler.Sharable
public final class OutboundPublishFlow extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundPublishFlow.class);

    enum State { AWAIT_PUBACK, AWAIT_PUBREC, AWAIT_PUBCOMP }

    private static final class Entry {
        final int packetId;
        final OutboundMessage message;
        final CompletableFuture<PublishResult> future;
        State state;

        Entry(int packetId, OutboundMessage message, CompletableFuture<PublishResult> future, State state) {
            this.packetId = packetId;
            this.message = message;
            this.future = future;
            this.state = state;
        }
    }

    private record Pending(OutboundMessage message, CompletableFuture<PublishResult> future) {
    }

    private final PacketIdAllocator packetIds;
    private final SessionStore store;
    private final ClientMetrics metrics;
    private final int maxInflight;
    private final int maxPending;
    private final boolean useTopicAliases;
    private final Map<Integer, Entry> inflight = new LinkedHashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private MqttConnection connection;
    private int window;
    /** Inside beginBatch()/endBatch(): PUBLISH packets are written without a flush each, flushed at the end. */
    private boolean batching;
    private boolean flushNeeded;

    public OutboundPublishFlow(PacketIdAllocator packetIds, SessionStore store, ClientMetrics metrics, int maxInflight,
            int maxPending, boolean useTopicAliases) {
        this.packetIds = packetIds;
        this.store = store;
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.maxPending = maxPending;
        this.useTopicAliases = useTopicAliases;
        this.window = maxInflight;
    }

    /** Messages recovered from the session store at start: resent on the first connection. */
    public void recover(StoredPublish stored) {
        packetIds.claim(stored.packetId());
        OutboundMessage message = new OutboundMessage(stored.topic(), stored.payload(), stored.qos(), stored.retain(),
                PropertiesMapper.fromStoreBytes(stored.properties()));
        State state = stored.qos() == 1 ? State.AWAIT_PUBACK : stored.released() ? State.AWAIT_PUBCOMP : State.AWAIT_PUBREC;
        inflight.put(stored.packetId(), new Entry(stored.packetId(), message, new CompletableFuture<>(), state));
        updateMetrics();
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

    private void writePublish(MqttPublishMessage publish) {
        if (batching) {
            connection.write(publish);
            flushNeeded = true;
        } else {
            connection.writeAndFlush(publish);
        }
    }

    /** Event loop only. */
    public void publish(OutboundMessage message, CompletableFuture<PublishResult> future) {
        if (connection != null && message.qos() == 0 && pending.isEmpty()) {
            sendQos0(message, future);
        } else if (connection != null && message.qos() > 0 && pending.isEmpty() && inflight.size() < window) {
            send(message, future);
        } else if (pending.size() < maxPending) {
            pending.add(new Pending(message, future));
        } else {
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic()
                    + "': " + pending.size() + " messages are already waiting (maxPendingPublishes=" + maxPending
                    + ") because the broker is not confirming fast enough or the connection is down"));
        }
        updateMetrics();
    }

    private void sendQos0(OutboundMessage message, CompletableFuture<PublishResult> future) {
        if (!checkSize(message, future)) {
            return;
        }
        metrics.onPublished();
        MqttPublishMessage publish = buildPublish(message, 0, false, true);
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

    private void send(OutboundMessage message, CompletableFuture<PublishResult> future) {
        if (!checkSize(message, future)) {
            return;
        }
        int packetId = packetIds.allocate();
        if (packetId == 0) {
            pending.addFirst(new Pending(message, future));
            return;
        }
        try {
            store.saveOutbound(new StoredPublish(packetId, message.topic(), message.payload(), message.qos(),
                    message.retain(), false, PropertiesMapper.toStoreBytes(message.properties())));
        } catch (IOException | RuntimeException e) {
            packetIds.release(packetId);
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic()
                    + "': the session store failed to record the message: " + e.getMessage(), e));
            return;
        }
        Entry entry = new Entry(packetId, message, future,
                message.qos() == 1 ? State.AWAIT_PUBACK : State.AWAIT_PUBREC);
        inflight.put(packetId, entry);
        metrics.onPublished();
        writePublish(buildPublish(message, packetId, false, true));
    }

    /** MQTT 5 brokers announce a maximum packet size: refuse a message that would break it before sending. */
    private boolean checkSize(OutboundMessage message, CompletableFuture<PublishResult> future) {
        int max = connection.limits().maximumPacketSize();
        long total = encodedSize(message, connection.isV5(), mayAddTopicAlias());
        if (total > max) {
            metrics.onPublishFailed();
            future.completeExceptionally(new MqttClientException("Cannot publish to '" + message.topic() + "': the packet ("
                    + total + " bytes) is larger than the broker's maximum packet size (" + max + " bytes)"));
            return false;
        }
        return true;
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
        State expected = type == MqttMessageType.PUBACK ? State.AWAIT_PUBACK
                : type == MqttMessageType.PUBREC ? State.AWAIT_PUBREC : State.AWAIT_PUBCOMP;
        if (entry == null || (entry.state != expected && !(type == MqttMessageType.PUBREC && entry.state == State.AWAIT_PUBCOMP))) {
            connection.fail(new MqttProtocolException(0x82, "Broker " + connection.limits().serverUri() + " sent " + type
                    + " for packet id " + packetId + (entry == null ? ", which is not in flight" : ", which is in state "
                    + entry.state) + "; closing the connection"));
            return;
        }
        if (type == MqttMessageType.PUBREC && reasonCode < 0x80) {
            if (entry.state == State.AWAIT_PUBREC) {
                try {
                    store.markReleased(packetId);
                } catch (IOException | RuntimeException e) {
                    LOG.error("Session store failed to record PUBREC for packet id {}: {}", packetId, e.getMessage());
                }
                entry.state = State.AWAIT_PUBCOMP;
            }
            connection.writeAndFlush(pubrel(packetId));
            return;
        }
        inflight.remove(packetId);
        packetIds.release(packetId);
        try {
            store.removeOutbound(packetId);
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to forget packet id {}: {}", packetId, e.getMessage());
        }
        PacketKind kind = type == MqttMessageType.PUBACK ? PacketKind.PUBACK
                : type == MqttMessageType.PUBREC ? PacketKind.PUBREC : PacketKind.PUBCOMP;
        String reason = ReasonCode.describe(reasonCode, kind) + (reasonString == null ? "" : " - " + reasonString);
        if (reasonCode >= 0x80) {
            metrics.onPublishFailed();
            entry.future.completeExceptionally(new MqttPublishRefusedException(entry.message.topic(), packetId, reasonCode, reason));
        } else {
            metrics.onPublishConfirmed();
            entry.future.complete(new PublishResult(packetId, entry.message.qos(), reasonCode, reason));
        }
        drain();
    }

    private static MqttMessage pubrel(int packetId) {
        return new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId));
    }

    /** Sends what waits, as far as the window allows. */
    private void drain() {
        while (connection != null && !pending.isEmpty()) {
            Pending next = pending.peek();
            if (next.message().qos() > 0 && inflight.size() >= window) {
                break;
            }
            pending.poll();
            if (next.message().qos() == 0) {
                sendQos0(next.message(), next.future());
            } else {
                send(next.message(), next.future());
            }
        }
        updateMetrics();
    }

    /** A new connection is up. */
    public void connected(MqttConnection connection, boolean sessionPresent) {
        this.connection = connection;
        this.window = Math.max(1, Math.min(maxInflight, connection.limits().receiveMaximum()));
        Iterator<Entry> it = inflight.values().iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entry.state == State.AWAIT_PUBCOMP) {
                if (sessionPresent) {
                    connection.write(pubrel(entry.packetId));
                } else {
                    // The broker confirmed receipt with PUBREC before it lost the session: the message was delivered.
                    it.remove();
                    packetIds.release(entry.packetId);
                    forget(entry.packetId);
                    entry.future.complete(new PublishResult(entry.packetId, 2, 0, "received (PUBREC) before the broker lost the session"));
                }
            } else {
                if (!sessionPresent) {
                    // The client cleared the store when the broker said it has no session: record the message
                    // again before re-sending it, or a crash now would lose it.
                    save(entry);
                }
                connection.write(buildPublish(entry.message, entry.packetId, sessionPresent, false));
            }
        }
        connection.flush();
        drain();
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
        for (Pending p : pending) {
            p.future().completeExceptionally(cause);
        }
        pending.clear();
        updateMetrics();
    }

    private void save(Entry entry) {
        OutboundMessage m = entry.message;
        try {
            store.saveOutbound(new StoredPublish(entry.packetId, m.topic(), m.payload(), m.qos(), m.retain(), false,
                    PropertiesMapper.toStoreBytes(m.properties())));
        } catch (IOException | RuntimeException e) {
            LOG.error("Session store failed to record packet id {} again: {}", entry.packetId, e.getMessage());
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
