package io.github.camelmqttbridge.mqtt.session;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OS file lock on {@code <client dir>/lock}, held while a store has the directory open, so that two
 * clients with the same id cannot write the same log. The OS drops the lock when the process dies, so a
 * crash never leaves a stale lock behind.
 */
final class ClientDirectoryLock implements Closeable {

    static final String LOCK_FILE = "lock";

    /**
     * Directories locked by this JVM. Checked before touching the lock file because on POSIX closing any
     * channel on a file drops all of this process's locks on it, so a refused second store must never open it.
     */
    private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;

    private ClientDirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    static ClientDirectoryLock acquire(Path directory) throws IOException {
        Path key = directory.toAbsolutePath().normalize();
        if (!LOCKED_IN_THIS_JVM.add(key)) {
            throw inUse(directory);
        }
        FileChannel channel = null;
        boolean acquired = false;
        try {
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held through another channel of this JVM
            }
            if (lock == null) {
                throw inUse(directory);
            }
            acquired = true;
            return new ClientDirectoryLock(key, channel, lock);
        } finally {
            if (!acquired) {
                if (channel != null) {
                    closeQuietly(channel);
                }
                LOCKED_IN_THIS_JVM.remove(key);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            LOCKED_IN_THIS_JVM.remove(directory);
        }
    }

    private static IOException inUse(Path directory) {
        return new IOException("session store " + directory + " is in use by another client with the same client id"
                + " (in this or another process); only one client may use a session at a time");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing: the original error is the one to report
        }
    }
}
