package io.github.camelmqttbridge.mqtt.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each client's session in {@code <directory>/<encoded client id>/session.log}, a write-ahead log with
 * one CRC-protected record per change, so that a restarted process resumes the session where it stopped.
 *
 * <p><b>Durability trade-off.</b> By default every change is one {@code FileChannel.write} and no fsync: once
 * the call returns the bytes are in the operating system's page cache, which survives a crash or
 * {@code kill -9} of the JVM, but not a power loss or kernel crash. {@code syncEachWrite = true} adds
 * {@code force(false)} after every record and survives those too, at the price of one disk flush (often
 * milliseconds) per QoS 1/2 message.
 *
 * <p><b>Recovery.</b> {@link #open(String)} replays the log. A damaged tail (a record cut short by a crash,
 * an impossible length, a CRC mismatch) ends the replay at the last good record; the file is cut there and
 * one WARN line names the file and offset.
 *
 * <p><b>Compaction.</b> When the log grows past {@code max(4 MiB, 10 x the last snapshot)} the live state is
 * written to {@code session.log.tmp}, forced, and atomically renamed over {@code session.log}; the same happens
 * on every open.
 *
 * <p><b>Locking.</b> While open the store holds an OS lock on {@code <client dir>/lock}; a second store for the
 * same client id, in this or another process, is refused with an {@link IOException}. The OS releases the
 * lock of a crashed process, so a restart is never blocked.
 *
 * <p>Not thread-safe: as the {@link SessionStore} contract says, it is called from one event loop. After
 * {@link #close()} every method throws {@link IllegalStateException}.
 */
public final class FileSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSessionStore.class);

    static final long DEFAULT_COMPACTION_THRESHOLD = 4L * 1024 * 1024;
    private static final int COMPACTION_FACTOR = 10;

    private final Path directory;
    private final boolean syncEachWrite;
    private final long minCompactionThreshold;

    private String clientId;
    private ClientDirectoryLock lock;
    private SessionLog log;
    private SessionState state;
    private long compactionThreshold;
    private boolean closed;

    /** A store that does not fsync each change: survives a crash of the JVM, not a power loss. */
    public FileSessionStore(Path directory) {
        this(directory, false);
    }

    /**
     * @param directory     parent directory of the per-client directories (created when missing)
     * @param syncEachWrite true to fsync every change, for durability against power loss (slower)
     */
    public FileSessionStore(Path directory, boolean syncEachWrite) {
        this(directory, syncEachWrite, DEFAULT_COMPACTION_THRESHOLD);
    }

    /** For tests: a small threshold makes compaction happen without writing megabytes. */
    FileSessionStore(Path directory, boolean syncEachWrite, long minCompactionThreshold) {
        this.directory = Objects.requireNonNull(directory, "session store directory must not be null");
        this.syncEachWrite = syncEachWrite;
        this.minCompactionThreshold = minCompactionThreshold;
    }

    /**
     * Opens the session of this client id. Calling it again with the same id while open returns the current
     * state (a reconnect); another client id needs another store object.
     *
     * @throws IllegalArgumentException if the client id is empty (a broker-assigned id cannot be resumed)
     * @throws IOException              if another client with this id holds the session, or the files fail
     */
    @Override
    public StoredSession open(String clientId) throws IOException {
        checkNotClosed();
        String directoryName = ClientDirectoryName.of(clientId);
        if (state != null) {
            if (!this.clientId.equals(clientId)) {
                throw new IllegalStateException("file session store is open for client id '" + this.clientId
                        + "' and cannot switch to '" + clientId + "': use one store per client id");
            }
            return state.snapshot();
        }
        Path clientDirectory = directory.resolve(directoryName);
        try {
            Files.createDirectories(clientDirectory);
        } catch (IOException e) {
            throw new IOException("cannot create session store directory " + clientDirectory + ": " + e, e);
        }
        ClientDirectoryLock newLock = ClientDirectoryLock.acquire(clientDirectory);
        SessionState newState = new SessionState();
        try {
            log = SessionLog.openAndReplay(clientDirectory, syncEachWrite, newState);
            state = newState;
            lock = newLock;
            this.clientId = clientId;
            compactionThreshold = Math.max(minCompactionThreshold, log.size());
            compactOrPostpone();
        } catch (IOException | RuntimeException e) {
            state = null;
            this.clientId = null;
            closeFiles(newLock);
            throw e;
        }
        return state.snapshot();
    }

    @Override
    public void saveOutbound(StoredPublish publish) throws IOException {
        StoredPublish normalized = SessionState.normalized(publish);
        change(SessionRecords.saveOutbound(normalized), live -> live.saveOutbound(normalized));
    }

    @Override
    public void markReleased(int packetId) throws IOException {
        change(SessionRecords.packetId(RecordType.RELEASED, packetId), live -> live.markReleased(packetId));
    }

    @Override
    public void removeOutbound(int packetId) throws IOException {
        change(SessionRecords.packetId(RecordType.REMOVE_OUTBOUND, packetId),
                live -> live.removeOutbound(packetId));
    }

    @Override
    public void addInboundAwaitingRelease(int packetId) throws IOException {
        SessionState.checkPacketId(packetId);
        change(SessionRecords.packetId(RecordType.ADD_INBOUND_REL, packetId),
                live -> live.addInboundAwaitingRelease(packetId));
    }

    @Override
    public void removeInboundAwaitingRelease(int packetId) throws IOException {
        change(SessionRecords.packetId(RecordType.REMOVE_INBOUND_REL, packetId),
                live -> live.removeInboundAwaitingRelease(packetId));
    }

    @Override
    public void saveSubscription(StoredSubscription subscription) throws IOException {
        StoredSubscription checked = SessionState.checked(subscription);
        change(SessionRecords.saveSubscription(checked), live -> live.saveSubscription(checked));
    }

    @Override
    public void removeSubscription(String topicFilter) throws IOException {
        Objects.requireNonNull(topicFilter, "topic filter must not be null");
        change(SessionRecords.removeSubscription(topicFilter), live -> live.removeSubscription(topicFilter));
    }

    @Override
    public void clear() throws IOException {
        change(SessionRecords.clear(), SessionState::clear);
        // nothing is live any more: start the log afresh rather than carry the history
        compactOrPostpone();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        state = null;
        closeFiles(lock);
    }

    /** Writes the record first, then changes the in-memory state: memory never runs ahead of the file. */
    private void change(ByteBuffer record, Consumer<SessionState> applyToState) throws IOException {
        checkOpen();
        log.append(record);
        applyToState.accept(state);
        if (log.size() > compactionThreshold) {
            compactOrPostpone();
        }
    }

    /** The change is already durable in the old log, so a failed compaction must not fail the caller's call. */
    private void compactOrPostpone() {
        try {
            compact();
        } catch (IOException e) {
            compactionThreshold *= 2;
            LOG.warn("Compaction of session log {} failed, retrying when it reaches {} bytes: {}", log.file(),
                    compactionThreshold, e.getMessage());
        }
    }

    private void compact() throws IOException {
        List<ByteBuffer> snapshot = SessionRecords.snapshot(state);
        long snapshotSize = log.rewrite(snapshot);
        compactionThreshold = Math.max(minCompactionThreshold, COMPACTION_FACTOR * snapshotSize);
    }

    private void closeFiles(ClientDirectoryLock heldLock) throws IOException {
        IOException failure = null;
        if (log != null) {
            try {
                log.close();
            } catch (IOException e) {
                failure = e;
            }
            log = null;
        }
        if (heldLock != null) {
            try {
                heldLock.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        lock = null;
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        checkNotClosed();
        if (state == null) {
            throw new IllegalStateException("file session store " + directory + " is not open: call open(clientId)"
                    + " first");
        }
    }

    private void checkNotClosed() {
        if (closed) {
            throw new IllegalStateException("file session store " + directory + " is closed");
        }
    }
}
