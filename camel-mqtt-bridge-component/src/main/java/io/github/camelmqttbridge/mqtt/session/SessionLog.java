package io.github.camelmqttbridge.mqtt.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log of one client directory: {@code session.log}, followed by the segment files
 * {@code session.log.<n>} that appends went to since its last compaction. Replay on open, append one record per
 * change, force to disk on demand, compact.
 *
 * <p><b>Compaction without holding up the appends.</b> {@link #startSegment()} (on the caller's thread, when a
 * compaction starts) sends the following appends to a new segment file {@code session.log.<k>}; the background
 * thread then writes a snapshot of the state as it was at that moment into {@code session.log.tmp}, headed by a
 * {@link RecordType#BASE} record saying "segments from k on come after me", forces it, renames it over
 * {@code session.log} and deletes the segments below k. A crash at any point replays to the same state: before the
 * rename the old {@code session.log} plus every segment; after it the snapshot plus the segments from k on (older
 * ones left behind are skipped).
 *
 * <p>Threads: {@link #append}, {@link #startSegment} come from the store's caller (the event loop); {@link #compact}
 * and {@link #force} may run on the store's background thread meanwhile. The monitor of this object guards the
 * channels and flags and is held for one record's write or a file switch, never for an fsync.
 */
final class SessionLog implements Closeable {

    static final String LOG_FILE = "session.log";
    static final String TMP_FILE = "session.log.tmp";
    private static final String SEGMENT_PREFIX = LOG_FILE + ".";

    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);

    private final Path directory;
    private final Path file;
    private final Path tmpFile;
    /** Where appends go: {@code session.log} itself until the first background compaction, then a segment. */
    private FileChannel channel;
    /** Earlier segments written since the last compaction and maybe not forced yet: forced (and closed) by force(). */
    private final List<FileChannel> unforcedSegments = new ArrayList<>();
    /** Number of the next segment file. */
    private int nextSegment;
    /** Bytes in session.log and the segments before the current one. */
    private volatile long olderBytes;
    /** Bytes in the file appends go to. */
    private volatile long currentBytes;
    /** Records written to the current file since the last force. */
    private boolean dirty;
    /** A segment file was created since the directory was last forced. */
    private boolean directoryDirty;
    /** Set when a failed append could not be rolled back: appending more would hide it behind garbage. */
    private IOException broken;
    private boolean closed;

    private SessionLog(Path directory) {
        this.directory = directory;
        this.file = directory.resolve(LOG_FILE);
        this.tmpFile = directory.resolve(TMP_FILE);
    }

    /** Opens (or creates) the log in the directory and replays it, and the segments after it, into the state. */
    static SessionLog openAndReplay(Path directory, SessionState into) throws IOException {
        SessionLog log = new SessionLog(directory);
        // a leftover tmp file is an unfinished compaction: session.log and the segments are still the complete truth
        Files.deleteIfExists(log.tmpFile);
        TreeMap<Integer, Path> segments = log.segmentFiles();
        FileChannel base = FileChannel.open(log.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        List<FileChannel> opened = new ArrayList<>(List.of(base));
        try {
            int[] firstSegment = {0};
            long bytes = replay(log.file, base, into, firstSegment);
            FileChannel last = base;
            long lastBytes = bytes;
            long older = 0;
            for (var e : segments.entrySet()) {
                if (e.getKey() < firstSegment[0]) {
                    continue; // in the snapshot already: a compaction ended before it could delete this one
                }
                FileChannel segment = FileChannel.open(e.getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                opened.add(segment);
                older += lastBytes;
                lastBytes = replay(e.getValue(), segment, into, null);
                last = segment;
            }
            for (FileChannel c : opened) {
                if (c != last) {
                    c.close();
                }
            }
            log.channel = last;
            log.olderBytes = older;
            log.currentBytes = lastBytes;
            log.nextSegment = Math.max(firstSegment[0], segments.isEmpty() ? 0 : segments.lastKey() + 1);
            return log;
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : opened) {
                closeQuietly(c);
            }
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** Bytes in session.log and its segments. */
    long size() {
        return olderBytes + currentBytes;
    }

    /** Appends one framed record; on failure the file is cut back so that later records stay readable. */
    synchronized void append(ByteBuffer record) throws IOException {
        if (broken != null) {
            throw new IOException("session log " + file + " is unusable after an earlier write failure", broken);
        }
        long start = currentBytes;
        int length = record.remaining();
        try {
            writeFully(channel, record);
        } catch (IOException e) {
            rollBack(start, e);
            throw new IOException("could not append to session log " + file + ": " + e.getMessage(), e);
        }
        currentBytes = start + length;
        dirty = true;
    }

    /**
     * Sends the following appends to a new segment file (caller's thread, when a compaction starts: one file create,
     * no fsync). With {@code forcedLater} the previous file is kept for {@link #force()} until the compaction has
     * absorbed it; otherwise (sync policy NEVER, nobody forces) it is closed at once.
     *
     * @return the number of the new segment: the snapshot taken now covers everything before it
     */
    synchronized int startSegment(boolean forcedLater) throws IOException {
        int number = nextSegment;
        Path segment = directory.resolve(SEGMENT_PREFIX + number);
        FileChannel next = FileChannel.open(segment, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        nextSegment = number + 1;
        if (dirty && forcedLater) {
            unforcedSegments.add(channel);
        } else {
            closeQuietly(channel);
        }
        channel = next;
        olderBytes += currentBytes;
        currentBytes = 0;
        dirty = false;
        broken = null;
        directoryDirty = true;
        return number;
    }

    /**
     * Forces the records appended so far (in every file written since the last force) and any new segment's
     * directory entry to disk. Runs without the monitor, so appends go on meanwhile.
     */
    void force() throws IOException {
        List<FileChannel> targets;
        boolean syncDirectory;
        synchronized (this) {
            if (closed || (!dirty && unforcedSegments.isEmpty() && !directoryDirty)) {
                return;
            }
            targets = new ArrayList<>(unforcedSegments);
            if (dirty) {
                targets.add(channel);
            }
            syncDirectory = directoryDirty;
            dirty = false;
            directoryDirty = false;
        }
        try {
            for (FileChannel target : targets) {
                try {
                    target.force(false);
                } catch (ClosedChannelException e) {
                    // a compaction absorbed that segment into a forced snapshot, or the log was closed
                }
            }
            if (syncDirectory) {
                syncDirectory();
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                dirty = true;
                directoryDirty |= syncDirectory;
            }
            throw e;
        }
        synchronized (this) {
            for (FileChannel target : targets) {
                if (target != channel && unforcedSegments.remove(target)) {
                    closeQuietly(target);
                }
            }
        }
    }

    /**
     * Compaction (the store's background thread): writes a {@link RecordType#BASE} record and the snapshot into
     * {@code session.log.tmp}, forces it, renames it over {@code session.log} (and forces the directory), then deletes
     * the segments below {@code firstSegment}, which the snapshot covers. Appends go to segment
     * {@code firstSegment} or later meanwhile and are not touched.
     *
     * @return the size of the snapshot (what the next compaction threshold is based on)
     */
    long compact(List<ByteBuffer> snapshot, int firstSegment) throws IOException {
        long snapshotSize;
        try (FileChannel out = FileChannel.open(tmpFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(out, SessionRecords.base(firstSegment));
            for (ByteBuffer record : snapshot) {
                writeFully(out, record.duplicate());
            }
            snapshotSize = out.position();
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmpFile);
            throw new IOException("could not compact session log " + file + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            if (closed) {
                Files.deleteIfExists(tmpFile);
                throw new IOException("session log " + file + " was closed during the compaction");
            }
        }
        try {
            Files.move(tmpFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmpFile);
            throw new IOException("could not compact session log " + file + ": " + e.getMessage(), e);
        }
        syncDirectory();
        long absorbed = 0;
        for (var e : segmentFiles().entrySet()) {
            if (e.getKey() < firstSegment) {
                absorbed += Files.size(e.getValue());
                Files.deleteIfExists(e.getValue());
            }
        }
        synchronized (this) {
            // the snapshot holds what those files held, forced: nothing left to force in them
            for (FileChannel c : unforcedSegments) {
                closeQuietly(c);
            }
            unforcedSegments.clear();
            olderBytes = snapshotSize;
        }
        LOG.debug("Compacted session log {}: {} bytes of snapshot replace {} bytes", file, snapshotSize, absorbed);
        return snapshotSize;
    }

    /**
     * Compaction on the caller's thread, into {@code session.log} itself: what {@code open} does once, before the
     * client connects. Appends continue at the end of the new {@code session.log}.
     */
    synchronized long compactInPlace(List<ByteBuffer> snapshot) throws IOException {
        int firstSegment = nextSegment;
        FileChannel out = FileChannel.open(tmpFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            writeFully(out, SessionRecords.base(firstSegment));
            for (ByteBuffer record : snapshot) {
                writeFully(out, record.duplicate());
            }
            out.force(true);
            Files.move(tmpFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            closeQuietly(out);
            Files.deleteIfExists(tmpFile);
            throw new IOException("could not compact session log " + file + ": " + e.getMessage(), e);
        }
        syncDirectory();
        for (var e : segmentFiles().entrySet()) {
            Files.deleteIfExists(e.getValue());
        }
        closeQuietly(channel);
        for (FileChannel c : unforcedSegments) {
            closeQuietly(c);
        }
        unforcedSegments.clear();
        channel = out;
        olderBytes = 0;
        currentBytes = out.position();
        dirty = false;
        broken = null;
        return currentBytes;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        for (FileChannel c : unforcedSegments) {
            closeQuietly(c);
        }
        unforcedSegments.clear();
        channel.close();
    }

    /** The segment files of the directory by number. */
    private TreeMap<Integer, Path> segmentFiles() throws IOException {
        TreeMap<Integer, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, SEGMENT_PREFIX + "*")) {
            for (Path p : files) {
                String suffix = p.getFileName().toString().substring(SEGMENT_PREFIX.length());
                if (!suffix.isEmpty() && suffix.length() < 10 && suffix.chars().allMatch(Character::isDigit)) {
                    segments.put(Integer.parseInt(suffix), p);
                }
            }
        }
        return segments;
    }

    /**
     * Replays one file into the state; a damaged tail is cut off with one WARN line.
     *
     * @param firstSegment when not null, receives the value of a leading BASE record (0 when there is none)
     * @return the size of the file after the replay
     */
    private static long replay(Path path, FileChannel channel, SessionState into, int[] firstSegment) throws IOException {
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
            readFully(path, channel, header, position);
            int length = header.getInt(0);
            if (length < 1 || length > fileSize - position - SessionRecords.FRAME_OVERHEAD) {
                problem = "record length " + length + " does not fit in the " + (fileSize - position) + " bytes left";
                break;
            }
            ByteBuffer record = ByteBuffer.allocate(length + 4);
            readFully(path, channel, record, position + 4);
            ByteBuffer typeAndBody = record.duplicate().position(0).limit(length);
            if (SessionRecords.crcOf(typeAndBody) != record.getInt(length)) {
                problem = "CRC mismatch";
                break;
            }
            if (firstSegment != null && position == 0 && typeAndBody.get(0) == RecordType.BASE.code
                    && length == 5) {
                firstSegment[0] = typeAndBody.getInt(1);
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
                    + " last {} bytes (expected after a crash in the middle of a write)", path, position, problem,
                    fileSize - position);
            channel.truncate(position);
        }
        channel.position(position);
        return position;
    }

    private static void readFully(Path path, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("session log " + path + " ended while reading at offset " + at);
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

    /** Makes a rename or a new file's name durable; not every platform can open a directory, which is fine to skip. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not sync directory {}: {}", directory, e.toString());
        }
    }
}
