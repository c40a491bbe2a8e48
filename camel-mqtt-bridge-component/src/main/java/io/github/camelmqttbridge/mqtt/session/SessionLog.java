package io.github.camelmqttbridge.mqtt.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only file {@code session.log} of one client directory: replay on open, append one record per change,
 * force to disk on demand, and rewrite as a snapshot (compaction) through {@code session.log.tmp} and an atomic
 * rename.
 *
 * <p>Threads: {@link #append} and {@link #beginCompaction} come from the store's caller (the event loop);
 * {@link #compact} and {@link #force} may run on the store's background thread at the same time. The monitor of this
 * object guards the channel, the tail and the flags; it is held for a write of one record, never for an fsync, except
 * at the very end of a compaction under {@code SyncPolicy.ALWAYS} (see {@link #compact}).
 */
final class SessionLog implements Closeable {

    static final String LOG_FILE = "session.log";
    static final String TMP_FILE = "session.log.tmp";

    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);
    /** A compaction catches up with the appends made meanwhile in rounds until one round has at most this many. */
    private static final int CATCH_UP_RECORDS = 64;
    private static final int CATCH_UP_ROUNDS = 16;

    private final Path file;
    private final Path tmpFile;
    private FileChannel channel;
    private volatile long size;
    /** Records written since the last force (or since the last compaction that did not force its end). */
    private boolean dirty;
    /** Set when a failed append could not be rolled back: appending more would hide it behind garbage. */
    private IOException broken;
    /** While a compaction runs: the records appended since its snapshot, for the new file. Null otherwise. */
    private List<ByteBuffer> tail;
    private boolean closed;

    private SessionLog(Path directory) {
        this.file = directory.resolve(LOG_FILE);
        this.tmpFile = directory.resolve(TMP_FILE);
    }

    /** Opens (or creates) the log in the directory and replays it into the (empty) state. */
    static SessionLog openAndReplay(Path directory, SessionState into) throws IOException {
        SessionLog log = new SessionLog(directory);
        // a leftover tmp file is an unfinished compaction: session.log is still the complete truth
        Files.deleteIfExists(log.tmpFile);
        log.channel = FileChannel.open(log.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            log.replay(into);
        } catch (IOException | RuntimeException e) {
            log.channel.close();
            throw e;
        }
        return log;
    }

    Path file() {
        return file;
    }

    long size() {
        return size;
    }

    /** Appends one framed record; on failure the file is cut back so that later records stay readable. */
    synchronized void append(ByteBuffer record) throws IOException {
        if (broken != null) {
            throw new IOException("session log " + file + " is unusable after an earlier write failure", broken);
        }
        ByteBuffer copy = record.duplicate();
        long start = size;
        try {
            writeFully(channel, record);
        } catch (IOException e) {
            rollBack(start, e);
            throw new IOException("could not append to session log " + file + ": " + e.getMessage(), e);
        }
        size = start + copy.remaining();
        dirty = true;
        if (tail != null) {
            tail.add(copy);
        }
    }

    /**
     * Forces the records appended so far to disk. Runs without the monitor, so appends go on meanwhile; a
     * compaction that replaced the file in between has written and forced those records into the new one.
     */
    void force() throws IOException {
        FileChannel target;
        synchronized (this) {
            if (!dirty || closed) {
                return;
            }
            target = channel;
            dirty = false;
        }
        try {
            target.force(false);
        } catch (ClosedChannelException e) {
            synchronized (this) {
                if (target == channel && !closed) {
                    dirty = true;
                    throw e;
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                dirty = true;
            }
            throw e;
        }
    }

    /** From now on appended records are also kept for the compaction that is about to start. */
    synchronized void beginCompaction() {
        tail = new ArrayList<>();
    }

    /**
     * Compaction: writes the snapshot into {@code session.log.tmp} and forces it, catches up with the records
     * appended meanwhile (in rounds, each forced, without blocking the appends), then, holding the monitor, writes the
     * last few, renames the file over {@code session.log} and switches the appends to it. A crash at any point leaves
     * either the old or the new complete log. With {@code forceEnd} (sync policy ALWAYS) the last records and the
     * rename are forced before the monitor is released, because appends may only be acknowledged as durable in a
     * file whose name is durable; otherwise the next force (or the OS) takes care of them.
     *
     * @return the size of the new log
     */
    long compact(List<ByteBuffer> snapshot, boolean forceEnd) throws IOException {
        FileChannel newChannel = null;
        try {
            newChannel = FileChannel.open(tmpFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            for (ByteBuffer record : snapshot) {
                writeFully(newChannel, record.duplicate());
            }
            newChannel.force(true);
            for (int round = 0; round < CATCH_UP_ROUNDS; round++) {
                List<ByteBuffer> chunk = takeTailIfLarger(CATCH_UP_RECORDS);
                if (chunk == null) {
                    break;
                }
                for (ByteBuffer record : chunk) {
                    writeFully(newChannel, record.duplicate());
                }
                newChannel.force(false);
            }
            synchronized (this) {
                if (closed) {
                    throw new IOException("the store was closed during the compaction");
                }
                for (ByteBuffer record : tail) {
                    writeFully(newChannel, record.duplicate());
                }
                if (forceEnd) {
                    newChannel.force(true);
                }
                Files.move(tmpFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (forceEnd) {
                    syncDirectory();
                }
                // the renamed file is the open newChannel: keep appending there
                FileChannel old = channel;
                channel = newChannel;
                size = newChannel.position();
                dirty = !forceEnd;
                broken = null;
                tail = null;
                closeQuietly(old);
            }
            if (!forceEnd) {
                syncDirectory();
            }
            return size;
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                tail = null;
            }
            if (newChannel != null) {
                closeQuietly(newChannel);
            }
            Files.deleteIfExists(tmpFile);
            throw new IOException("could not compact session log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The tail so far when it holds more than {@code threshold} records (and a fresh one for what follows). */
    private synchronized List<ByteBuffer> takeTailIfLarger(int threshold) {
        if (tail == null || tail.size() <= threshold) {
            return null;
        }
        List<ByteBuffer> taken = tail;
        tail = new ArrayList<>();
        return taken;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }

    private void replay(SessionState into) throws IOException {
        long fileSize = channel.size();
        long position = 0;
        String problem = null;
        ByteBuffer header = ByteBuffer.allocate(4);
        while (position < fileSize) {
            if (fileSize - position < SessionRecords.FRAME_OVERHEAD + 1) {
                problem = "record cut short (" + (fileSize - position) + " bytes left)";
                break;
            }
            header.clear();
            readFully(header, position);
            int length = header.getInt(0);
            if (length < 1 || length > fileSize - position - SessionRecords.FRAME_OVERHEAD) {
                problem = "record length " + length + " does not fit in the " + (fileSize - position) + " bytes left";
                break;
            }
            ByteBuffer record = ByteBuffer.allocate(length + 4);
            readFully(record, position + 4);
            ByteBuffer typeAndBody = record.duplicate().position(0).limit(length);
            if (SessionRecords.crcOf(typeAndBody) != record.getInt(length)) {
                problem = "CRC mismatch";
                break;
            }
            try {
                SessionRecords.apply(typeAndBody, into);
            } catch (IllegalArgumentException e) {
                problem = "undecodable record: " + e.getMessage();
                break;
            }
            position += length + SessionRecords.FRAME_OVERHEAD;
        }
        if (problem != null) {
            LOG.warn("Session log {} is damaged at offset {} ({}); recovered the records before it and dropped the"
                    + " last {} bytes (expected after a crash in the middle of a write)", file, position, problem,
                    fileSize - position);
            channel.truncate(position);
        }
        channel.position(position);
        size = position;
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("session log " + file + " ended while reading at offset " + at);
            }
            at += read;
        }
        buffer.flip();
    }

    private static void writeFully(FileChannel target, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            target.write(buffer);
        }
    }

    private void rollBack(long start, IOException cause) {
        try {
            channel.truncate(start);
            channel.position(start);
        } catch (IOException e) {
            cause.addSuppressed(e);
            broken = cause;
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("Closing a session log channel failed: {}", e.toString());
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, which is fine to skip. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not sync directory {} after compaction: {}", file.getParent(), e.toString());
        }
    }
}
