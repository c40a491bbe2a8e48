package io.github.camelmqttbridge.mqtt.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps sessions in memory for the life of this object: a reconnect in the same process (calling
 * {@link #open(String)} again) finds the session as it was, a restart of the JVM loses it.
 *
 * <p>Each client id has its own session; {@code open} selects the one the following calls work on.
 * After {@link #close()} every method throws {@link IllegalStateException}.
 */
public final class MemorySessionStore implements SessionStore {

    private final Map<String, SessionState> sessionsByClientId = new HashMap<>();
    private SessionState current;
    private boolean closed;

    public MemorySessionStore() {
        // nothing to set up: sessions are created on first open
    }

    @Override
    public StoredSession open(String clientId) {
        checkNotClosed();
        Objects.requireNonNull(clientId, "client id must not be null");
        current = sessionsByClientId.computeIfAbsent(clientId, id -> new SessionState());
        return current.snapshot();
    }

    @Override
    public void saveOutbound(StoredPublish publish) {
        session().saveOutbound(SessionState.normalized(publish));
    }

    @Override
    public void markReleased(int packetId) {
        session().markReleased(packetId);
    }

    @Override
    public void removeOutbound(int packetId) {
        session().removeOutbound(packetId);
    }

    @Override
    public void addInboundAwaitingRelease(int packetId) {
        SessionState.checkPacketId(packetId);
        session().addInboundAwaitingRelease(packetId);
    }

    @Override
    public void removeInboundAwaitingRelease(int packetId) {
        session().removeInboundAwaitingRelease(packetId);
    }

    @Override
    public void saveSubscription(StoredSubscription subscription) {
        session().saveSubscription(SessionState.checked(subscription));
    }

    @Override
    public void removeSubscription(String topicFilter) {
        session().removeSubscription(Objects.requireNonNull(topicFilter, "topic filter must not be null"));
    }

    @Override
    public void clear() {
        session().clear();
    }

    @Override
    public void close() {
        closed = true;
        current = null;
    }

    private SessionState session() {
        checkNotClosed();
        if (current == null) {
            throw new IllegalStateException("memory session store is not open: call open(clientId) first");
        }
        return current;
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("memory session store is closed");
        }
    }
}
