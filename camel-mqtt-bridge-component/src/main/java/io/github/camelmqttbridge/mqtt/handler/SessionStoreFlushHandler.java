package io.github.camelmqttbridge.mqtt.handler;

import io.github.camelmqttbridge.mqtt.error.MqttSessionStoreException;
import io.github.camelmqttbridge.mqtt.session.SessionStore;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head of the pipeline (next to the socket): before packets are flushed to the network it lets the session store
 * make the records they depend on durable ({@link SessionStore#beforeFlush()}: one fsync for everything written since
 * the last flush under {@code SyncPolicy.ALWAYS}, nothing otherwise). Placed below the flush consolidation, so a burst
 * of packets costs one sync. When the store fails nothing is flushed: the connection is closed and the unflushed
 * packets are dropped with it; the broker gets them again after the reconnect.
 */
final class SessionStoreFlushHandler extends ChannelOutboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStoreFlushHandler.class);

    private final SessionStore store;
    private final String serverUri;

    SessionStoreFlushHandler(SessionStore store, String serverUri) {
        this.store = store;
        this.serverUri = serverUri;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        try {
            store.beforeFlush();
        } catch (IOException | RuntimeException e) {
            MqttSessionStoreException failure = new MqttSessionStoreException("Session store failed to force its records"
                    + " to disk (" + e.getMessage() + "); closing the connection to " + serverUri
                    + " before the packets that depend on them are sent", e);
            LOG.error("{}", failure.getMessage());
            MqttConnection.close(ctx.channel(), failure, false);
            return;
        }
        ctx.flush();
    }
}
