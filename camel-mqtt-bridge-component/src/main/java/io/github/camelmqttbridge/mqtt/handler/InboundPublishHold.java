package io.github.camelmqttbridge.mqtt.handler;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Backpressure that keeps the connection readable. When the application holds {@code receiveMaximum}
 * unacknowledged messages the inbound flow pauses; stopping the socket then (as before) also stops PINGRESP,
 * PUBACK/PUBREC/PUBCOMP for our publishes, SUBACK and DISCONNECT, and the keep-alive took a healthy connection
 * for dead. Instead, while paused, this handler keeps reading and holds only PUBLISH packets, in arrival order,
 * and hands them on when the flow resumes; everything else passes at once.
 *
 * <p>Memory: at most {@code capacity} (= receiveMaximum) PUBLISH packets are held, each at most our
 * maximumPacketSize, with payloads copied to their exact size so that no read buffer stays pinned. A broker that
 * keeps to our Receive Maximum (MQTT 5) sends no QoS 1/2 message while the flow is paused, so what is held is
 * QoS 0 traffic, a broker's overshoot, or an MQTT 3.1.1 broker's own in-flight window. When the hold is full the
 * socket stops reading (as before: the broker keeps the rest) until the flow takes messages again; only then
 * does the keep-alive not expect its PINGRESP (see {@link KeepAliveHandler}).
 *
 * <p>Per connection, event loop only. Sits between the keep-alive handler (which sees every packet read) and
 * the inbound flow.
 */
public final class InboundPublishHold extends ChannelInboundHandlerAdapter {

    private final int capacity;
    private final InboundPublishFlow flow;
    private final ArrayDeque<MqttPublishMessage> held = new ArrayDeque<>();
    private int heldQos12;
    private ChannelHandlerContext ctx;
    private boolean paused;
    private boolean releasing;
    private boolean readingStopped;

    public InboundPublishHold(int capacity, InboundPublishFlow flow) {
        this.capacity = Math.max(1, capacity);
        this.flow = flow;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** PUBLISH packets held, not yet handed to the flow. */
    public int heldCount() {
        return held.size();
    }

    /** True while the inbound flow is full: PUBLISH packets are held. */
    public boolean isPaused() {
        return paused;
    }

    /** True while the hold is full and the socket does not read. */
    public boolean isReadingStopped() {
        return readingStopped;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MqttPublishMessage publish && (paused || !held.isEmpty())) {
            hold(publish);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void hold(MqttPublishMessage publish) {
        int qos = publish.fixedHeader().qosLevel().value();
        if (!flow.admitWhilePaused(qos, heldQos12)) {
            ReferenceCountUtil.release(publish);
            return;
        }
        if (qos > 0) {
            heldQos12++;
        }
        // The decoder's payload is a slice of its read buffer: copy it so a held message pins only its own bytes.
        MqttPublishMessage copy = publish.replace(Unpooled.copiedBuffer(publish.payload()));
        ReferenceCountUtil.release(publish);
        held.add(copy);
        if (held.size() >= capacity && !readingStopped) {
            readingStopped = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** The inbound flow is full: hold further PUBLISH packets. */
    public void pause() {
        paused = true;
    }

    /** The inbound flow has room: hand on what was held (until it is full again), then let PUBLISH pass. */
    public void resume() {
        paused = false;
        if (releasing || ctx == null) {
            return; // a flow that resumes while taking a held message: the loop below goes on
        }
        releasing = true;
        try {
            while (!paused && !held.isEmpty() && ctx.channel().isActive()) {
                MqttPublishMessage next = held.poll();
                if (next.fixedHeader().qosLevel().value() > 0) {
                    heldQos12--;
                }
                ctx.fireChannelRead(next);
            }
        } finally {
            releasing = false;
        }
        if (readingStopped && held.size() < capacity) {
            readingStopped = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseAll();
    }

    /** Held messages die with the connection: unacknowledged, so the broker sends QoS 1/2 ones again. */
    private void releaseAll() {
        MqttPublishMessage m;
        while ((m = held.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        heldQos12 = 0;
    }
}
