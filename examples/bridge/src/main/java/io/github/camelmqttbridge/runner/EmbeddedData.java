package io.github.camelmqttbridge.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Where the embedded brokers keep what must outlive a restart, inside the state folder ({@code bridge.state.dir}):
 * the MQTT broker's data ({@code embedded-broker/}), Kafka's log directory ({@code embedded-kafka/}) and the ports they
 * listened on ({@code embedded-ports.properties}), so that a restart finds the sessions, the queued messages and the
 * records again, on the same ports when they are free.
 * <p>
 * One runner at a time: {@link #open} locks {@code embedded.lock} until {@link #close()}; a second runner on the same
 * state folder ends with a message saying so (two brokers cannot share one data folder).
 */
final class EmbeddedData implements AutoCloseable {

    static final String PORTS_FILE = "embedded-ports.properties";
    static final String LOCK_FILE = "embedded.lock";

    private final Path stateDir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private EmbeddedData(Path stateDir, FileChannel lockChannel, FileLock lock) {
        this.stateDir = stateDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static EmbeddedData open(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Path lockFile = stateDir.resolve(LOCK_FILE);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisJvm) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new IllegalStateException("the state folder " + stateDir + " is in use by another bridge runner"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + ": its embedded brokers keep their data"
                        + " there. Stop that runner, or give this one a folder of its own: bridge.data.dir=<folder>");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            return new EmbeddedData(stateDir, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("state folder " + stateDir + ": " + e.getMessage(), e);
        }
    }

    Path brokerHome() {
        return stateDir.resolve("embedded-broker");
    }

    Path kafkaHome() {
        return stateDir.resolve("embedded-kafka");
    }

    /** The port {@code name} listened on last time, or -1. */
    int lastPort(String name) {
        return lastPort(ports(stateDir), name);
    }

    /** The port {@code name} of the runner with this state folder listened on last time, or -1 (read, not locked). */
    static int lastPort(Path stateDir, String name) {
        return lastPort(ports(stateDir), name);
    }

    private static int lastPort(Properties ports, String name) {
        try {
            return Integer.parseInt(ports.getProperty(name, "-1").strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The port for {@code name}: the one of the last run when it is free, else {@code preferred} when it is free, else
     * any free port.
     */
    int choosePort(String name, int preferred) throws IOException {
        int last = lastPort(name);
        if (last > 0 && Ports.free(last)) {
            return last;
        }
        return Ports.free(preferred) ? preferred : Ports.anyFree();
    }

    /** Remembers the port {@code name} listens on, for the next run. */
    void rememberPort(String name, int port) {
        Properties ports = ports(stateDir);
        ports.setProperty(name, Integer.toString(port));
        Path file = stateDir.resolve(PORTS_FILE);
        Path temp = stateDir.resolve(PORTS_FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            ports.store(out, "ports of the embedded brokers, reused by the next run when free");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + temp + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static Properties ports(Path stateDir) {
        Properties ports = new Properties();
        Path file = stateDir.resolve(PORTS_FILE);
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ports.load(in);
            } catch (IOException e) {
                // unreadable: choose as on a first run
            }
        }
        return ports;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
