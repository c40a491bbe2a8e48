package io.github.camelmqttbridge.mqtt.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only file {@code session.log} of one client directory: replay on open, append one record per
 * change, and rewrite as a snapshot (compaction) through {@code session.log.tmp} and an atomic rename.
 */
final class SessionLog implements Closeable {

    static final String LOG_FILE = "session.log";
    static final String TMP_FILE = "session.log.tmp";

    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);

    private final Path file;
    private final Path tmpFile;
    private final boolean syncEachWrite;
    private FileChannel channel;
    /** Set when a failed append could not be rolled back: appending more would hide it behind garbage. */
    private IOException broken;

    private SessionLog(Path directory, boolean syncEachWrite) {
        this.file = directory.resolve(LOG_FILE);
        this.tmpFile = directory.resolve(TMP_FILE);
        this.syncEachWrite = syncEachWrite;
    }

    /** Opens (or creates) the log in the directory and replays it into the (empty) state. */
    static SessionLog openAndReplay(Path directory, boolean syncEachWrite, SessionState into) throws IOException {
        SessionLog log = new SessionLog(directory, syncEachWrite);
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

    long size() throws IOException {
        return channel.size();
    }

    /** Appends one framed record; on failure the file is cut back so that later records stay readable. */
    void append(ByteBuffer record) throws IOException {
        if (broken != null) {
            throw new IOException("session log " + file + " is unusable after an earlier write failure", broken);
        }
        long start = channel.position();
        try {
            writeFully(channel, record);
            if (syncEachWrite) {
                channel.force(false);
            }
        } catch (IOException e) {
            rollBack(start, e);
            throw new IOException("could not append to session log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Compaction: writes the records into {@code session.log.tmp}, forces it to disk, and renames it over
     * {@code session.log}. A crash at any point leaves either the old or the new complete log.
     *
     * @return the size of the new log
     */
    long rewrite(List<ByteBuffer> records) throws IOException {
        FileChannel newChannel = FileChannel.open(tmpFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            for (ByteBuffer record : records) {
                writeFully(newChannel, record.duplicate());
            }
            newChannel.force(true);
            Files.move(tmpFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            newChannel.close();
            Files.deleteIfExists(tmpFile);
            throw new IOException("could not compact session log " + file + ": " + e.getMessage(), e);
        }
        syncDirectory();
        // the renamed file is the open newChannel: keep appending there
        FileChannel old = channel;
        channel = newChannel;
        broken = null;
        old.close();
        return channel.size();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void replay(SessionState into) throws IOException {
        long size = channel.size();
        long position = 0;
        String problem = null;
        ByteBuffer header = ByteBuffer.allocate(4);
        while (position < size) {
            if (size - position < SessionRecords.FRAME_OVERHEAD + 1) {
                problem = "record cut short (" + (size - position) + " bytes left)";
                break;
            }
            header.clear();
            readFully(header, position);
            int length = header.getInt(0);
            if (length < 1 || length > size - position - SessionRecords.FRAME_OVERHEAD) {
                problem = "record length " + length + " does not fit in the " + (size - position) + " bytes left";
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
                    size - position);
            channel.truncate(position);
        }
        channel.position(position);
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

    /** Makes the rename itself durable; not every platform can open a directory, which is fine to skip. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not sync directory {} after compaction: {}", file.getParent(), e.toString());
        }
    }
}
