package io.github.camelmqttbridge.mqtt.session;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link FileSessionStoreCrashTest}: with a small compaction threshold, so that background
 * compactions run all the time, saves numbered outbound messages and removes all but one in 50; prints
 * {@code S <n>} after {@code saveOutbound} returned and {@code R <n>} after {@code removeOutbound} returned, and
 * {@code COMPACTING} once a compaction runs after {@link #KILL_AFTER} messages, until it is killed. Message n has
 * packet id n (n stays below 65536).
 *
 * <p>Arguments: the store directory and the client id.
 */
public final class SessionStoreCompactionCrashChild {

    static final long COMPACTION_THRESHOLD = 32 * 1024;
    static final int KILL_AFTER = 6_000;
    static final int KEEP_ONE_IN = 50;

    private SessionStoreCompactionCrashChild() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        SessionStoreCrashChild.exitWhenTheParentIsGone();
        FileSessionStore store = new FileSessionStore(Path.of(args[0]), SyncPolicy.NEVER, COMPACTION_THRESHOLD);
        store.open(args[1]);
        out.println("OPEN");
        out.flush();
        boolean compactingReported = false;
        for (int n = 1; n <= 65535; n++) {
            byte[] payload = new byte[256]; // the store keeps the array: a caller must not change it afterwards
            payload[0] = (byte) n;
            store.saveOutbound(new StoredPublish(n, "crash/compaction/" + n, payload, 1, false, false, new byte[0]));
            out.println("S " + n);
            if (n % KEEP_ONE_IN != 0) {
                store.removeOutbound(n);
                out.println("R " + n);
            }
            if (n >= KILL_AFTER && !compactingReported && store.compactionRunning()) {
                compactingReported = true;
                out.println("COMPACTING");
            }
            out.flush();
        }
        Thread.currentThread().join();
    }
}
