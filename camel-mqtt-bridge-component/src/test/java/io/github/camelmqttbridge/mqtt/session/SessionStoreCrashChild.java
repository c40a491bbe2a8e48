package io.github.camelmqttbridge.mqtt.session;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link FileSessionStoreCrashTest}: saves numbered outbound messages and prints each
 * packet id only after {@code saveOutbound} returned, until it is killed.
 *
 * <p>Arguments: the store directory and the client id.
 */
public final class SessionStoreCrashChild {

    private SessionStoreCrashChild() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        exitWhenTheParentIsGone();
        FileSessionStore store = new FileSessionStore(Path.of(args[0]));
        store.open(args[1]);
        out.println("OPEN");
        out.flush();
        byte[] payload = new byte[512];
        for (int packetId = 1; packetId <= 65535; packetId++) {
            payload[0] = (byte) packetId;
            store.saveOutbound(new StoredPublish(packetId, "crash/test/" + packetId, payload, 1, false, false,
                    new byte[0]));
            out.println(packetId);
            out.flush();
        }
        // all ids used: wait to be killed rather than close the store cleanly
        Thread.currentThread().join();
    }

    /** The test JVM holds our stdin open; if it dies without killing us, its end closes and we stop too. */
    static void exitWhenTheParentIsGone() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent: wait for the end of the stream
                }
            } catch (IOException e) {
                // the parent is gone all the same
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
