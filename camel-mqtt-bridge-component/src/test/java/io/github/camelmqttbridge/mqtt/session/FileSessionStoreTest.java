package io.github.camelmqttbridge.mqtt.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSessionStoreTest extends AbstractSessionStoreContractTest {

    @TempDir
    Path directory;

    @Override
    protected SessionStore createStore() {
        return new FileSessionStore(directory);
    }

    /** A reconnect after a restart: close, then a new store object reads the files. */
    @Override
    protected StoredSession reopen() throws IOException {
        store.close();
        store = createStore();
        return store.open(CLIENT_ID);
    }

    private Path logFile() {
        return directory.resolve(CLIENT_ID).resolve(SessionLog.LOG_FILE);
    }

    /** session.log and the segment files appends went to since its last compaction. */
    private long logBytes() throws IOException {
        try (var files = Files.list(directory.resolve(CLIENT_ID))) {
            long total = 0;
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(SessionLog.LOG_FILE) && !name.equals(SessionLog.TMP_FILE)) {
                    total += Files.size(p);
                }
            }
            return total;
        }
    }

    @Test
    void reopeningAfterCloseRecoversTheWholeSession() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.saveOutbound(publish(2, "b"));
        store.markReleased(2);
        store.addInboundAwaitingRelease(300);
        store.saveSubscription(subscription("plant/#", 1));

        StoredSession session = reopen();

        assertOutbound(session, publish(1, "a"), publish(2, "b").withReleased());
        assertThat(session.inboundAwaitingRelease()).containsExactly(300);
        assertThat(session.subscriptions()).containsExactly(subscription("plant/#", 1));
    }

    @Test
    void aTornLastRecordIsDroppedAndTheFileCutBeforeIt() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.saveOutbound(publish(2, "b"));
        long sizeBeforeLastRecord = Files.size(logFile());
        store.saveOutbound(publish(3, "the record a crash cut short"));
        store.close();
        cutBytesOffTheEnd(logFile(), 5);

        StoredSession session = reopen();

        assertOutbound(session, publish(1, "a"), publish(2, "b"));
        assertThat(Files.size(logFile())).isEqualTo(sizeBeforeLastRecord);
        // appending after the recovery works and is readable again
        store.saveOutbound(publish(4, "d"));
        assertOutbound(reopen(), publish(1, "a"), publish(2, "b"), publish(4, "d"));
    }

    @Test
    void aLastRecordWithABadCrcIsDropped() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.addInboundAwaitingRelease(9);
        store.close();
        flipLastByte(logFile());

        StoredSession session = reopen();

        assertOutbound(session, publish(1, "a"));
        assertThat(session.inboundAwaitingRelease()).isEmpty();
    }

    @Test
    void garbageAfterTheLastRecordIsDropped() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.close();
        long goodSize = Files.size(logFile());
        Files.write(logFile(), new byte[] {0x7f, -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9}, StandardOpenOption.APPEND);

        assertOutbound(reopen(), publish(1, "a"));
        assertThat(Files.size(logFile())).isEqualTo(goodSize);
    }

    @Test
    void compactionKeepsTheLogSmallAndTheStateEqual() throws IOException {
        long threshold = 64 * 1024;
        store.close();
        store = new FileSessionStore(directory, false, threshold);
        store.open(CLIENT_ID);
        store.saveSubscription(subscription("kept/#", 1));
        List<StoredPublish> live = new ArrayList<>();
        long largestSize = 0;
        for (int i = 0; i < 20_000; i++) {
            int packetId = 1 + i % 60_000;
            store.saveOutbound(publish(packetId, "short-lived message " + i));
            if (i % 1000 == 0) {
                live.add(publish(packetId, "short-lived message " + i)); // every 1000th stays
            } else {
                store.removeOutbound(packetId);
            }
            // compaction runs in the background: the bound holds once the one it started has ended
            ((FileSessionStore) store).awaitCompaction();
            largestSize = Math.max(largestSize, logBytes());
        }

        assertThat(largestSize).as("log size never far above the compaction threshold once a compaction has ended")
                .isLessThan(threshold + 1024);
        store.close();
        store = new FileSessionStore(directory, false, threshold);
        StoredSession session = store.open(CLIENT_ID);
        assertOutbound(session, live.toArray(StoredPublish[]::new));
        assertThat(session.subscriptions()).containsExactly(subscription("kept/#", 1));
    }

    @Test
    void compactionWithTheDefaultThresholdStaysBelowFourMegabytes() throws IOException {
        byte[] kilobyte = new byte[1024];
        for (int i = 0; i < 6_000; i++) {
            int packetId = 1 + i;
            store.saveOutbound(new StoredPublish(packetId, "t", kilobyte, 1, false, false, new byte[0]));
            store.removeOutbound(packetId);
        }
        store.saveOutbound(publish(7, "live"));
        ((FileSessionStore) store).awaitCompaction();

        assertThat(logBytes()).isLessThan(FileSessionStore.DEFAULT_COMPACTION_THRESHOLD + 2048);
        assertOutbound(reopen(), publish(7, "live"));
    }

    @Test
    void openingCompactsTheLog() throws IOException {
        for (int i = 1; i <= 100; i++) {
            store.saveOutbound(publish(i, "x"));
            store.removeOutbound(i);
        }
        store.saveOutbound(publish(1, "live"));
        long sizeBefore = Files.size(logFile());

        assertOutbound(reopen(), publish(1, "live"));
        assertThat(Files.size(logFile())).isLessThan(sizeBefore / 10);
    }

    @Test
    void aSecondStoreForTheSameClientIsRefusedWhileTheFirstIsOpen() throws IOException {
        FileSessionStore second = new FileSessionStore(directory);

        assertThatThrownBy(() -> second.open(CLIENT_ID)).isInstanceOf(IOException.class)
                .hasMessageContaining("session store " + directory.resolve(CLIENT_ID)
                        + " is in use by another client with the same client id");

        // the refused attempt did not disturb the first store, and another client id is independent
        store.saveOutbound(publish(1, "still writable"));
        try (FileSessionStore other = new FileSessionStore(directory)) {
            assertThat(other.open("other-client").isEmpty()).isTrue();
        }
        store.close();
        assertOutbound(second.open(CLIENT_ID), publish(1, "still writable"));
        second.close();
    }

    @Test
    void aOneMegabytePayloadRoundTrips() throws IOException {
        byte[] payload = new byte[1024 * 1024];
        new Random(42).nextBytes(payload);
        store.saveOutbound(new StoredPublish(1, "big", payload, 2, true, false, new byte[0]));

        assertThat(reopen().outbound().get(0).payload()).isEqualTo(payload);
    }

    @Test
    void everyByteValueOfABinaryPayloadIsKept() throws IOException {
        byte[] payload = new byte[512];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] properties = {0, -1, 0x0a, 0x0d, -128, 127};
        store.saveOutbound(new StoredPublish(1, "bin", payload, 1, false, false, properties));

        StoredPublish recovered = reopen().outbound().get(0);
        assertThat(recovered.payload()).isEqualTo(payload);
        assertThat(recovered.properties()).isEqualTo(properties);
    }

    @Test
    void anEmptyClientIdIsRefusedWithTheReason() {
        FileSessionStore fresh = new FileSessionStore(directory.resolve("other"));

        assertThatThrownBy(() -> fresh.open("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty client id").hasMessageContaining("assigned by the broker");
    }

    @Test
    void clientIdsBecomeSafeDirectoryNames() {
        assertThat(ClientDirectoryName.of("gw-01_a.b")).isEqualTo("gw-01_a.b");
        assertThat(ClientDirectoryName.of("a/b:c ü")).isEqualTo("a%2Fb%3Ac%20%C3%BC");
        assertThat(ClientDirectoryName.of("..")).isEqualTo("%2E%2E");
        assertThat(ClientDirectoryName.of("x".repeat(5000))).hasSizeLessThan(160);
        assertThat(ClientDirectoryName.of("x".repeat(5000))).isNotEqualTo(ClientDirectoryName.of("x".repeat(5001)));
    }

    @Test
    void aClientIdWithSlashesStaysInsideTheStoreDirectory() throws IOException {
        try (FileSessionStore other = new FileSessionStore(directory)) {
            other.open("../escape/attempt");
            other.saveOutbound(publish(1, "a"));
        }
        assertThat(Files.exists(directory.resolve("..%2Fescape%2Fattempt").resolve(SessionLog.LOG_FILE))).isTrue();
    }

    @Test
    void aLeftoverTmpFileOfAnUnfinishedCompactionIsIgnored() throws IOException {
        store.saveOutbound(publish(1, "a"));
        store.close();
        Files.write(directory.resolve(CLIENT_ID).resolve(SessionLog.TMP_FILE), new byte[] {1, 2, 3});

        assertOutbound(reopen(), publish(1, "a"));
    }

    @Test
    void syncEachWriteStoresTheSameWay() throws IOException {
        store.close();
        store = new FileSessionStore(directory, true);
        store.open(CLIENT_ID);
        store.saveOutbound(publish(1, "a"));
        store.markReleased(1);

        assertOutbound(reopen(), publish(1, "a").withReleased());
    }

    @Test
    void openingAnotherClientIdOnAnOpenStoreIsRefused() {
        assertThatThrownBy(() -> store.open("someone-else")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one store per client id");
    }

    /** Occupies the store's background thread until the returned latch is counted down. */
    private static CountDownLatch holdBackgroundThread(FileSessionStore fileStore) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        fileStore.background().execute(() -> {
            held.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    @Test
    void compactionRunsOnTheBackgroundThreadAndKeepsWhatWasAppendedMeanwhile() throws Exception {
        long threshold = 16 * 1024;
        store.close();
        FileSessionStore fileStore = new FileSessionStore(directory, SyncPolicy.NEVER, threshold);
        store = fileStore;
        fileStore.open(CLIENT_ID);
        CountDownLatch release = holdBackgroundThread(fileStore);
        int packetId = 1;
        for (; packetId <= 100; packetId++) { // about 27 KiB of records
            store.saveOutbound(publish(packetId, "x".repeat(200)));
            store.removeOutbound(packetId);
        }
        store.saveOutbound(publish(packetId, "crossed the threshold"));

        // the caller did not compact: the background thread is busy, so the log is as long as it was written
        assertThat(logBytes()).isGreaterThan(threshold);
        assertThat(fileStore.compactionRunning()).as("a compaction waits for the background thread").isTrue();
        assertThat(Files.exists(logFile().resolveSibling(SessionLog.TMP_FILE))).isFalse();
        // appended while the compaction waits for its thread: after its snapshot, before its rename
        store.saveOutbound(publish(60_000, "during"));
        store.markReleased(packetId);
        store.addInboundAwaitingRelease(77);

        long sizeBefore = logBytes();
        release.countDown();
        fileStore.awaitCompaction();
        // the snapshot plus the segment with the records appended since the compaction started
        assertThat(logBytes()).as("compacted").isLessThan(sizeBefore);
        store.saveOutbound(publish(60_001, "after"));

        StoredSession session = reopen();
        assertOutbound(session, publish(packetId, "crossed the threshold").withReleased(), publish(60_000, "during"),
                publish(60_001, "after"));
        assertThat(session.inboundAwaitingRelease()).containsExactly(77);
    }

    @Test
    void aSegmentTheSnapshotCoversIsSkippedIfACrashLeftItBehind() throws Exception {
        long threshold = 16 * 1024;
        store.close();
        FileSessionStore fileStore = new FileSessionStore(directory, SyncPolicy.NEVER, threshold);
        store = fileStore;
        fileStore.open(CLIENT_ID);
        Path segmentOne = directory.resolve(CLIENT_ID).resolve(SessionLog.LOG_FILE + ".1");
        for (int packetId = 1; !Files.exists(segmentOne); packetId++) { // until a second compaction started
            store.saveOutbound(publish(packetId, "x".repeat(200)));
            store.removeOutbound(packetId);
            fileStore.awaitCompaction();
        }
        store.saveOutbound(publish(60_000, "live"));
        fileStore.awaitCompaction();
        // segment 0 was covered by the second snapshot and deleted: what it looks like when a crash left it behind
        Path stale = directory.resolve(CLIENT_ID).resolve(SessionLog.LOG_FILE + ".0");
        try (FileChannel channel = FileChannel.open(stale, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(SessionRecords.saveOutbound(publish(999, "already in the snapshot, or removed since")));
        }

        assertOutbound(reopen(), publish(60_000, "live"));
        assertThat(Files.exists(stale)).as("removed by the compaction at open").isFalse();
    }

    @Test
    void appendsDuringBackgroundCompactionsAreAllKept() throws Exception {
        store.close();
        FileSessionStore fileStore = new FileSessionStore(directory, SyncPolicy.ALWAYS, 16 * 1024);
        store = fileStore;
        fileStore.open(CLIENT_ID);
        List<StoredPublish> live = new ArrayList<>();
        for (int i = 1; i <= 5_000; i++) {
            int packetId = 1 + i % 65_000;
            store.saveOutbound(publish(packetId, "message " + i));
            if (i % 97 == 0) {
                live.add(publish(packetId, "message " + i));
            } else {
                store.removeOutbound(packetId);
            }
            if (i % 100 == 0) {
                store.beforeFlush(); // as the engine does before packets go out
            }
        }
        fileStore.awaitCompaction();

        assertOutbound(reopen(), live.toArray(StoredPublish[]::new));
    }

    @Test
    void everySyncPolicyStoresTheSameWay() throws IOException {
        for (SyncPolicy policy : SyncPolicy.values()) {
            store.close();
            store = new FileSessionStore(directory.resolve(policy.name()), policy);
            store.open(CLIENT_ID);
            store.saveOutbound(publish(1, "a"));
            store.beforeFlush();
            store.markReleased(1);
            store.close();
            store = new FileSessionStore(directory.resolve(policy.name()), policy);
            assertOutbound(store.open(CLIENT_ID), publish(1, "a").withReleased());
        }
    }

    @Test
    void syncPolicyNamesParseInAnyCase() {
        assertThat(SyncPolicy.parse("always")).isEqualTo(SyncPolicy.ALWAYS);
        assertThat(SyncPolicy.parse(" Batch ")).isEqualTo(SyncPolicy.BATCH);
        assertThat(SyncPolicy.parse("NEVER")).isEqualTo(SyncPolicy.NEVER);
        assertThatThrownBy(() -> SyncPolicy.parse("sometimes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use always, batch or never");
    }

    private static void cutBytesOffTheEnd(Path file, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - bytes);
        }
    }

    private static void flipLastByte(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            channel.read(last, channel.size() - 1);
            last.put(0, (byte) ~last.get(0));
            last.position(0);
            channel.write(last, channel.size() - 1);
        }
    }
}
