package io.github.camelmqttbridge.mqtt.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each client's session in {@code <directory>/<encoded client id>/session.log}, a write-ahead log with
 * one CRC-protected record per change, so that a restarted process resumes the session where it stopped.
 *
 * <p><b>Durability.</b> Every change is one {@code FileChannel.write} before the call returns: the bytes are in the
 * operating system's page cache, which survives a crash or {@code kill -9} of the JVM. Whether they also survive a
 * power loss or kernel crash is the {@link SyncPolicy}: {@code NEVER} (default) leaves that to the OS,
 * {@code BATCH} forces the log from a background thread about once a second, {@code ALWAYS} forces it in
 * {@link #beforeFlush()}, i.e. before any packet that may depend on the records leaves (one fsync per network
 * flush, on the caller's thread).
 *
 * <p><b>Recovery.</b> {@link #open(String)} replays the log. A damaged tail (a record cut short by a crash,
 * an impossible length, a CRC mismatch) ends the replay at the last good record; the file is cut there and
 * one WARN line names the file and offset.
 *
 * <p><b>Compaction.</b> When the log grows past {@code max(4 MiB, 10 x the last snapshot)} the caller's thread copies
 * the state (references to immutable records) and sends the following appends to a new segment file
 * {@code session.log.<n>}; the store's background thread writes the copy as a snapshot to {@code session.log.tmp},
 * forces it, atomically renames it over {@code session.log} and deletes the segments the snapshot covers (see
 * {@link SessionLog}). Only {@link #open(String)} compacts on the caller's thread, once, before the client connects.
 *
 * <p><b>Locking.</b> While open the store holds an OS lock on {@code <client dir>/lock}; a second store for the
 * same client id, in this or another process, is refused with an {@link IOException}. The OS releases the
 * lock of a crashed process, so a restart is never blocked.
 *
 * <p>Not thread-safe: as the {@link SessionStore} contract says, it is called from one event loop (its own
 * background thread only compacts and forces). After {@link #close()} every method throws
 * {@link IllegalStateException}.
 */
public final class FileSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSessionStore.class);

    static final long DEFAULT_COMPACTION_THRESHOLD = 4L * 1024 * 1024;
    private static final int COMPACTION_FACTOR = 10;
    /** How often {@link SyncPolicy#BATCH} forces the log. */
    static final long BATCH_SYNC_INTERVAL_MILLIS = 1000;
    private static final long CLOSE_WAIT_SECONDS = 60;

    private final Path directory;
    private final SyncPolicy syncPolicy;
    private final long minCompactionThreshold;

    private String clientId;
    private ClientDirectoryLock lock;
    private SessionLog log;
    private SessionState state;
    /** Written by the background thread when a compaction ends, read by the caller. */
    private volatile long compactionThreshold;
    /** The store's background thread (compaction, BATCH syncs); created when first needed. */
    private ScheduledThreadPoolExecutor background;
    private Future<?> compaction;
    private ScheduledFuture<?> batchSync;
    private boolean closed;

    /** A store that does not force its records to disk: survives a crash of the JVM, not a power loss. */
    public FileSessionStore(Path directory) {
        this(directory, SyncPolicy.NEVER);
    }

    /**
     * @param directory     parent directory of the per-client directories (created when missing)
     * @param syncEachWrite true for {@link SyncPolicy#ALWAYS}, false for {@link SyncPolicy#NEVER}
     */
    public FileSessionStore(Path directory, boolean syncEachWrite) {
        this(directory, syncEachWrite ? SyncPolicy.ALWAYS : SyncPolicy.NEVER);
    }

    /**
     * @param directory  parent directory of the per-client directories (created when missing)
     * @param syncPolicy when records are forced from the page cache to the disk
     */
    public FileSessionStore(Path directory, SyncPolicy syncPolicy) {
        this(directory, syncPolicy, DEFAULT_COMPACTION_THRESHOLD);
    }

    /** For tests: a small threshold makes compaction happen without writing megabytes. */
    FileSessionStore(Path directory, SyncPolicy syncPolicy, long minCompactionThreshold) {
        this.directory = Objects.requireNonNull(directory, "session store directory must not be null");
        this.syncPolicy = Objects.requireNonNull(syncPolicy, "sync policy must not be null");
        this.minCompactionThreshold = minCompactionThreshold;
    }

    /** For tests: the old constructor shape. */
    FileSessionStore(Path directory, boolean syncEachWrite, long minCompactionThreshold) {
        this(directory, syncEachWrite ? SyncPolicy.ALWAYS : SyncPolicy.NEVER, minCompactionThreshold);
    }

    public SyncPolicy syncPolicy() {
        return syncPolicy;
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
            log = SessionLog.openAndReplay(clientDirectory, newState);
            state = newState;
            lock = newLock;
            this.clientId = clientId;
            compactionThreshold = Math.max(minCompactionThreshold, log.size());
            // once, before the client connects: start from a short log
            compactInPlace();
            if (syncPolicy == SyncPolicy.BATCH) {
                batchSync = background().scheduleWithFixedDelay(this::batchSync, BATCH_SYNC_INTERVAL_MILLIS,
                        BATCH_SYNC_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            }
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
        startCompaction();
    }

    /** {@link SyncPolicy#ALWAYS}: the records written so far go to disk before the packets that follow them. */
    @Override
    public void beforeFlush() throws IOException {
        if (syncPolicy == SyncPolicy.ALWAYS && log != null && !closed) {
            log.force();
        }
    }

    /** Waits for a running compaction, forces what a sync policy promised, releases the files and the lock. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        state = null;
        if (batchSync != null) {
            batchSync.cancel(false);
        }
        awaitCompaction(CLOSE_WAIT_SECONDS);
        if (background != null) {
            background.shutdownNow();
        }
        if (log != null && syncPolicy != SyncPolicy.NEVER) {
            try {
                log.force();
            } catch (IOException e) {
                LOG.warn("Could not force session log {} to disk at close: {}", log.file(), e.getMessage());
            }
        }
        closeFiles(lock);
    }

    /** For tests: whether a background compaction has started and not ended. */
    boolean compactionRunning() {
        Future<?> running = compaction;
        return running != null && !running.isDone();
    }

    /** For tests: waits until the compaction running now (if any) has ended. */
    void awaitCompaction() {
        awaitCompaction(CLOSE_WAIT_SECONDS);
    }

    private void awaitCompaction(long seconds) {
        Future<?> running = compaction;
        if (running == null) {
            return;
        }
        try {
            running.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Compaction of session log {} did not end cleanly: {}", log == null ? directory : log.file(),
                    e.toString());
        }
    }

    /** Writes the record first, then changes the in-memory state: memory never runs ahead of the file. */
    private void change(ByteBuffer record, Consumer<SessionState> applyToState) throws IOException {
        checkOpen();
        log.append(record);
        applyToState.accept(state);
        if (log.size() > compactionThreshold) {
            startCompaction();
        }
    }

    /**
     * Starts a compaction on the background thread unless one runs: the state is copied here (references to
     * immutable records, no encoding) and the appends switch to a new segment file (one file create, no fsync);
     * the background thread writes the copy as the new {@code session.log} and deletes the segments it covers.
     */
    private void startCompaction() {
        if (compaction != null && !compaction.isDone()) {
            return;
        }
        SessionState copy = state.copy();
        int firstSegment;
        try {
            firstSegment = log.startSegment(syncPolicy != SyncPolicy.NEVER);
        } catch (IOException e) {
            compactionFailed(e);
            return;
        }
        try {
            compaction = background().submit(() -> compact(copy, firstSegment));
        } catch (RejectedExecutionException e) {
            LOG.warn("Compaction of session log {} could not start: {}", log.file(), e.toString());
        }
    }

    /** On the background thread. The changes are in the log already, so a failure must not fail anybody's call. */
    private void compact(SessionState copy, int firstSegment) {
        try {
            long snapshotSize = log.compact(SessionRecords.snapshot(copy), firstSegment);
            compactionThreshold = Math.max(minCompactionThreshold, COMPACTION_FACTOR * snapshotSize);
        } catch (IOException e) {
            compactionFailed(e);
        }
    }

    /** At open, on the caller's thread. */
    private void compactInPlace() {
        try {
            long snapshotSize = log.compactInPlace(SessionRecords.snapshot(state));
            compactionThreshold = Math.max(minCompactionThreshold, COMPACTION_FACTOR * snapshotSize);
        } catch (IOException e) {
            compactionFailed(e);
        }
    }

    private void compactionFailed(IOException e) {
        compactionThreshold = Math.max(compactionThreshold, log.size()) * 2;
        LOG.warn("Compaction of session log {} failed, retrying when it reaches {} bytes: {}", log.file(),
                compactionThreshold, e.getMessage());
    }

    private void batchSync() {
        try {
            log.force();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not force session log {} to disk: {}", log.file(), e.getMessage());
        }
    }

    /** The store's background thread (package-private for tests that need to hold it up). */
    ScheduledThreadPoolExecutor background() {
        if (background == null) {
            String name = "mqtt-bridge-session-io-" + ClientDirectoryName.of(clientId);
            background = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            background.setKeepAliveTime(30, TimeUnit.SECONDS);
            background.allowCoreThreadTimeOut(true);
            background.setRemoveOnCancelPolicy(true);
        }
        return background;
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
