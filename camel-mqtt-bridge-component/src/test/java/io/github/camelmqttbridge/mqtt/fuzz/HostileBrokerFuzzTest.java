package io.github.camelmqttbridge.mqtt.fuzz;

import static io.github.camelmqttbridge.mqtt.fuzz.Packets.bytes;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.concat;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.packet;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.props;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.publish;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.str;
import static io.github.camelmqttbridge.mqtt.fuzz.Packets.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.PublishResult;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A fake broker that accepts our real client over a real socket, accepts its CONNECT and then sends hostile
 * bytes: random bytes, mutations of valid packets, broken lengths, unknown packet types, acks for unknown ids,
 * invalid UTF-8 topics, oversized properties. One client survives all cases of a version, reconnecting by itself.
 *
 * <p>{@code -Dfuzz.cases=N} sets the random/mutated cases per MQTT version (default 1200), {@code -Dfuzz.seed=S}
 * replays a run (the seed is printed).
 */
class HostileBrokerFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x4D515454L);
    private static final int CASES = Integer.getInteger("fuzz.cases", 1200);
    private static final long FUZZ_GRACE_MILLIS = 30;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        // the parent pom sets paranoid for surefire; make sure when run some other way too
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        logs = LogCapture.start();
    }

    @AfterAll
    static void stop() {
        logs.close();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void randomAndMutatedPacketsNeverEscapeTheEventLoop(MqttVersion version) throws Exception {
        long seed = SEED + version.ordinal();
        System.out.printf("HostileBrokerFuzzTest %s: seed %d, %d cases (-Dfuzz.seed / -Dfuzz.cases)%n", version, seed, CASES);
        Random random = new Random(seed);
        try (FuzzRig rig = new FuzzRig(version, logs)) {
            List<byte[]> corpus = Packets.validCorpus(rig.v5());
            int closedByClient = 0;
            long start = System.nanoTime();
            for (int i = 0; i < CASES; i++) {
                String name;
                byte[] hostile;
                int kind = random.nextInt(10);
                if (kind < 3) {
                    hostile = new byte[1 + random.nextInt(48)];
                    random.nextBytes(hostile);
                    name = "random #" + i;
                } else {
                    byte[] base = corpus.get(random.nextInt(corpus.size()));
                    if (kind == 9) {
                        base = concat(base, corpus.get(random.nextInt(corpus.size())));
                    }
                    hostile = Packets.mutate(base, random);
                    if (random.nextInt(4) == 0 && hostile.length > 0) {
                        hostile = Packets.mutate(hostile, random);
                    }
                    if (hostile.length == 0) {
                        hostile = bytes(0xF0 | random.nextInt(16));
                    }
                    name = "mutated #" + i;
                }
                FuzzRig.Result r = rig.run(name + " (seed " + seed + ")", hostile, FUZZ_GRACE_MILLIS, random.nextInt(10) == 0);
                if (r.clientClosed()) {
                    closedByClient++;
                }
                if (i % 250 == 249) {
                    rig.forceLeakReports("batch ending with " + name);
                }
            }
            rig.forceLeakReports("the last batch");
            System.out.printf("HostileBrokerFuzzTest %s: %d cases in %d ms, the client closed %d itself, %d connections, "
                    + "%d messages delivered%n", version, CASES, (System.nanoTime() - start) / 1_000_000, closedByClient,
                    rig.connected.get(), rig.delivered.get());
            assertThat(rig.connected.get()).isGreaterThanOrEqualTo(CASES);
            assertStillWorks(rig);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void targetedHostilePacketsCloseWithTheRightReason(MqttVersion version) throws Exception {
        try (FuzzRig rig = new FuzzRig(version, logs)) {
            boolean v5 = rig.v5();
            byte[] none = props();
            // packet types 0 and 15 (15 is AUTH in MQTT 5, which we never asked for) and bad flags
            expectClose(rig, "reserved packet type 0", bytes(0x00, 0x00), 0x81);
            expectClose(rig, "reserved packet type 0 with flags", bytes(0x0F, 0x02, 0x00, 0x01), 0x81);
            expectClose(rig, "packet type 15", bytes(0xF0, 0x00), v5 ? 0x82 : 0x81);
            expectClose(rig, "packet type 15 with bad flags", bytes(0xFF, 0x00), 0x81);
            expectClose(rig, "PUBREL with flags 0", Packets.reply(v5, 0x60, 5, 0, "x"), 0x81);
            // lengths
            expectClose(rig, "remaining length of 5 bytes", bytes(0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01), 0x81);
            expectClose(rig, "remaining length larger than maximumPacketSize",
                    concat(bytes(0x30), Packets.varint(FuzzRig.MAX_PACKET + 1), new byte[100]), 0x95);
            expectLoss(rig, "truncated remaining length", bytes(0x30, 0x80));
            expectLoss(rig, "truncated packet", bytes(0x30, 0x20, 0x00, 0x03, 'a'));
            // netty-codec-mqtt alone would read the packet id past the packet's end and wait for the next packet
            expectClose(rig, "PUBACK shorter than its packet id", bytes(0x40, 0x01, 0x00), 0x81);
            expectClose(rig, "PUBACK shorter than its packet id, then PINGRESP", bytes(0x40, 0x01, 0x00, 0xD0, 0x00), 0x81);
            expectClose(rig, "PUBLISH QoS 1 without room for its packet id", packet(0x32, concat(str("ab"))), 0x81);
            // acks for packet ids we never used
            expectClose(rig, "PUBACK for an unknown id", Packets.reply(v5, 0x40, 4242, 0, "ok"), 0x82);
            expectClose(rig, "PUBREC for an unknown id", Packets.reply(v5, 0x50, 4243, 0, "ok"), 0x82);
            expectClose(rig, "PUBCOMP for an unknown id", Packets.reply(v5, 0x70, 4244, 0, "ok"), 0x82);
            expectClose(rig, "SUBACK for an unknown id", v5 ? packet(0x90, concat(Packets.id(4245), none, bytes(0)))
                    : packet(0x90, concat(Packets.id(4245), bytes(0))), 0x82);
            expectClose(rig, "UNSUBACK for an unknown id", v5 ? packet(0xB0, concat(Packets.id(4246), none, bytes(0)))
                    : packet(0xB0, Packets.id(4246)), 0x82);
            expectClose(rig, "a second CONNACK", v5 ? bytes(0x20, 0x03, 0, 0, 0) : bytes(0x20, 0x02, 0, 0), 0x82);
            // PUBLISH with broken topics
            expectClose(rig, "PUBLISH QoS 3", publish(v5, 3, "fuzz/q3", 1, none, "x"), 0x81);
            expectClose(rig, "PUBLISH topic with U+0000", publish(v5, 0, "fuzz/\u0000/nul", 0, none, "x"), 0x81);
            expectClose(rig, "PUBLISH topic with a lone continuation byte",
                    publish(v5, 1, bytes('f', 0x80, 'z'), 7, none, utf8("x")), 0x81);
            expectClose(rig, "PUBLISH topic with an overlong encoding",
                    publish(v5, 0, bytes('a', 0xC0, 0xAF), 0, none, utf8("x")), 0x81);
            expectClose(rig, "PUBLISH topic with an encoded surrogate",
                    publish(v5, 0, bytes('a', 0xED, 0xA0, 0x80), 0, none, utf8("x")), 0x81);
            expectClose(rig, "PUBLISH topic with byte 0xFF", publish(v5, 2, bytes(0xFF, 'a'), 8, none, utf8("x")), 0x81);
            expectClose(rig, "PUBLISH topic with a wildcard", publish(v5, 0, "fuzz/+/x", 0, none, "x"), 0x81);
            expectClose(rig, "PUBLISH topic length beyond the packet",
                    packet(0x30, concat(bytes(0x7F, 0xFF), utf8("short"))), 0x81);
            expectClose(rig, "PUBLISH with an empty topic and no alias", publish(v5, 0, "", 0, none, "x"), 0x82);
            if (v5) {
                expectClose(rig, "property length beyond the packet",
                        publish(true, 0, "fuzz/p", 0, concat(Packets.varint(5000), bytes(0x01, 0x01)), "x"), 0x81);
                expectClose(rig, "unknown property id", publish(true, 0, "fuzz/p", 0, props(bytes(0x7F, 0x01)), "x"), 0x81);
                // netty-codec-mqtt alone reads these past the end of the property block and waits for more bytes
                FuzzRig.Result r0 = expectClose(rig, "string property longer than the property block",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x03, 0x10, 0x00, 'a')), "x"), 0x81);
                assertThat(r0.cause()).hasMessageContaining("Content Type property (0x03) of 4096 bytes runs past");
                expectClose(rig, "binary property longer than the property block",
                        publish(true, 1, "fuzz/p", 3, props(bytes(0x09, 0x00, 0x05, 1, 2)), "x"), 0x81);
                expectClose(rig, "user property value longer than the property block",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x26, 0, 1, 'k', 0, 9, 'v')), "x"), 0x81);
                expectClose(rig, "user property without room for its value",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x26, 0, 1, 'k')), "x"), 0x81);
                expectClose(rig, "four-byte property cut by the end of the property block",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x02, 0, 0)), "x"), 0x81);
                expectClose(rig, "subscription identifier of 5 bytes",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)), "x"), 0x81);
                expectClose(rig, "property length of 5 bytes",
                        publish(true, 0, "fuzz/p", 0, bytes(0x80, 0x80, 0x80, 0x80, 0x01), "x"), 0x81);
                expectClose(rig, "PUBLISH that ends before its property length", packet(0x30, str("fuzz/p")), 0x81);
                expectClose(rig, "PUBACK reason string longer than the property block, then PINGRESP",
                        concat(packet(0x40, concat(Packets.id(1), bytes(0x00), props(bytes(0x1F, 0x00, 0x40)))),
                                bytes(0xD0, 0x00)), 0x81);
                expectClose(rig, "SUBACK that ends before its property length", packet(0x90, Packets.id(4248)), 0x81);
                // netty-codec-mqtt alone decodes these with replacement characters
                expectClose(rig, "user property key that is not UTF-8",
                        publish(true, 0, "fuzz/p", 0, props(concat(bytes(0x26), str(bytes(0xC0, 0xAF)), str("v"))), "x"),
                        0x81);
                expectClose(rig, "content type with an encoded surrogate",
                        publish(true, 0, "fuzz/p", 0, props(concat(bytes(0x03), str(bytes(0xED, 0xA0, 0x80)))), "x"), 0x81);
                expectClose(rig, "response topic with U+0000",
                        publish(true, 0, "fuzz/p", 0, props(concat(bytes(0x08), str("a\u0000b"))), "x"), 0x81);
                expectClose(rig, "PUBACK reason string cut in the middle of a character",
                        packet(0x40, concat(Packets.id(1), bytes(0x10), props(concat(bytes(0x1F), str(bytes(0xE2, 0x82)))))),
                        0x81);
                expectClose(rig, "DISCONNECT server reference that is not UTF-8",
                        packet(0xE0, concat(bytes(0x9C), props(concat(bytes(0x1C), str(bytes(0xFF)))))), 0x81);
                expectClose(rig, "topic alias 0", publish(true, 0, "fuzz/p", 0, props(bytes(0x23, 0, 0)), "x"), 0x94);
                expectClose(rig, "topic alias above our maximum",
                        publish(true, 0, "fuzz/p", 0, props(bytes(0x23, 0x7F, 0xFF)), "x"), 0x94);
                expectClose(rig, "topic alias never defined", publish(true, 0, "", 0, props(bytes(0x23, 0, 1)), "x"), 0x82);
                expectCloseWhileBrokerStillSends(rig, "properties larger than maximumPacketSize", publish(true, 1, "fuzz/big", 9,
                        props(manyUserProperties(FuzzRig.MAX_PACKET / 10, 10)), "x"), 0x95);
                // valid, if large: delivered, the connection stays
                int before = rig.delivered.get();
                expectStays(rig, "5000 user properties",
                        publish(true, 1, "fuzz/many", 10, props(manyUserProperties(5000, 4)), "x"));
                assertThat(rig.delivered.get()).isEqualTo(before + 1);
                assertThat(rig.lastMessage.get().properties().userProperties()).hasSize(5000);
                expectStays(rig, "content type of 65535 bytes", publish(true, 0, "fuzz/ct", 0,
                        props(concat(bytes(0x03), str("c".repeat(65535)))), "x"));
                assertThat(rig.lastMessage.get().properties().contentType()).hasSize(65535);
                FuzzRig.Result r = expectLoss(rig, "server DISCONNECT with a reason",
                        packet(0xE0, concat(bytes(0x8B), props(concat(bytes(0x1F), str("going away"))))));
                assertThat(r.cause()).isInstanceOf(MqttServerDisconnectException.class)
                        .hasMessageContaining("server shutting down").hasMessageContaining("going away");
            }
            expectStays(rig, "PUBREL for an unknown id (answered with PUBCOMP)", Packets.reply(v5, 0x62, 4247, 0, "x"));
            expectStays(rig, "PINGRESP nobody asked for", bytes(0xD0, 0x00));
            rig.forceLeakReports("the targeted cases");
            assertStillWorks(rig);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void remainingLengthOf256MebibytesIsRefusedBeforeItIsRead(MqttVersion version) throws Exception {
        try (FuzzRig rig = new FuzzRig(version, logs)) {
            FakeBroker.Session s = rig.broker.accept(10_000);
            s.handshake(1);
            MemoryWatch watch = MemoryWatch.start();
            long sent = 0;
            long limit = 64L * 1024 * 1024;
            byte[] chunk = new byte[17 * 4096];
            AtomicBoolean done = new AtomicBoolean();
            // a client that neither reads nor closes must not hang the test
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException ignored) {
                    return;
                }
                if (!done.get()) {
                    s.close(true);
                }
            });
            try {
                // PUBLISH announcing 268,435,455 bytes (256 MiB - 1), then as many bytes as the client will take
                s.send(bytes(0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01, 'a'));
                if (rig.v5()) {
                    // a property block of nearly the announced size, made of user properties
                    s.send(Packets.varint(268_435_455 - 8));
                    ByteArrayOutputStream block = new ByteArrayOutputStream();
                    while (block.size() < chunk.length) {
                        block.writeBytes(Packets.userProperty("key", "value"));
                    }
                    chunk = java.util.Arrays.copyOf(block.toByteArray(), chunk.length);
                }
                while (sent < limit) {
                    s.send(chunk);
                    sent += chunk.length;
                }
            } catch (SocketException e) {
                // the client closed the connection: what we want
            } finally {
                done.set(true);
            }
            FakeBroker.Outcome outcome = s.awaitClientClose(5_000);
            s.close();
            MemoryWatch.Peak peak = watch.stop();
            System.out.printf("HostileBrokerFuzzTest %s: 256 MiB announced, %d bytes accepted before the client closed; "
                    + "peak growth heap %d KiB, pooled direct %d KiB%n", version, sent, peak.heapBytes() / 1024,
                    peak.pooledDirectBytes() / 1024);
            assertThat(sent).as("bytes the client took before closing").isLessThan(limit);
            assertThat(outcome.clientClosed()).isTrue();
            if (rig.v5()) {
                // -1: our DISCONNECT went out, but closing with the broker's unread bytes pending resets the
                // connection, and a reset may discard it before the broker reads it (TCP, not us).
                assertThat(outcome.disconnectReason()).isIn(0x95, -1);
            }
            assertThat(peak.pooledDirectBytes()).as("pooled direct memory growth").isLessThan(32L * 1024 * 1024);
            assertThat(peak.heapBytes()).as("heap growth").isLessThan(128L * 1024 * 1024);
            Throwable cause = rig.lost.poll(10, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(MqttProtocolException.class)
                    .hasMessageContaining("larger than our maximumPacketSize");
            rig.assertReadable(cause, "256 MiB");
            rig.checkLogs("256 MiB");
            rig.forceLeakReports("256 MiB");
            assertStillWorks(rig);
        }
    }

    private static byte[] manyUserProperties(int count, int valueLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String value = "v".repeat(valueLength);
        for (int i = 0; i < count; i++) {
            out.writeBytes(Packets.userProperty("k" + (i % 100), value));
        }
        return out.toByteArray();
    }

    private static FuzzRig.Result expectClose(FuzzRig rig, String name, byte[] hostile, int v5Reason) throws Exception {
        FuzzRig.Result r = rig.run(name, hostile, 5_000, false);
        String what = FuzzRig.describe(name, hostile);
        assertThat(r.clientClosed()).as("the client closes the connection after %s", what).isTrue();
        if (rig.v5()) {
            assertThat(r.outcome().disconnectReason()).as("DISCONNECT reason code after %s (cause: %s)", what, r.cause())
                    .isEqualTo(v5Reason);
        } else {
            assertThat(r.outcome().disconnectReason()).as("no DISCONNECT to a 3.1.1 broker after %s", what).isEqualTo(-1);
        }
        assertThat(r.cause()).as("cause after %s", what).isInstanceOf(MqttProtocolException.class);
        assertThat(((MqttProtocolException) r.cause()).reasonCode()).as("reason of %s", r.cause()).isEqualTo(v5Reason);
        return r;
    }

    /**
     * Like {@link #expectClose} for a packet the broker is still writing when we close: the DISCONNECT we write
     * first can be discarded by the TCP reset that closing with unread data causes, so the broker may not see it.
     * What we decided (the cause and its reason code) is still checked.
     */
    private static void expectCloseWhileBrokerStillSends(FuzzRig rig, String name, byte[] hostile, int v5Reason)
            throws Exception {
        FuzzRig.Result r = rig.run(name, hostile, 5_000, false);
        String what = FuzzRig.describe(name, hostile);
        assertThat(r.clientClosed()).as("the client closes the connection after %s", what).isTrue();
        assertThat(r.outcome().disconnectReason()).as("DISCONNECT seen by the broker after %s", what)
                .isIn(rig.v5() ? v5Reason : -1, -1);
        assertThat(r.cause()).as("cause after %s", what).isInstanceOf(MqttProtocolException.class);
        assertThat(((MqttProtocolException) r.cause()).reasonCode()).as("reason of %s", r.cause()).isEqualTo(v5Reason);
    }

    private static FuzzRig.Result expectLoss(FuzzRig rig, String name, byte[] hostile) throws Exception {
        return rig.run(name, hostile, 300, false);
    }

    private static void expectStays(FuzzRig rig, String name, byte[] hostile) throws Exception {
        FuzzRig.Result r = rig.run(name, hostile, 300, false);
        assertThat(r.clientClosed()).as("the client keeps the connection after %s (cause: %s)", name, r.cause()).isFalse();
        assertThat(r.cause().getMessage()).contains("closed the connection");
    }

    /** After everything: one more connection on which a QoS 1 message goes each way. */
    private static void assertStillWorks(FuzzRig rig) throws Exception {
        boolean v5 = rig.v5();
        FakeBroker.Session s = rig.broker.accept(10_000);
        s.handshake(1);
        int before = rig.delivered.get();
        s.send(publish(v5, 1, "fuzz/health", 77, props(), "still alive"));
        CompletableFuture<PublishResult> published = rig.client.publish(OutboundMessage.of("fuzz/up", utf8("me too"), 1));
        List<FakeBroker.Packet> got = new ArrayList<>();
        int publishId = -1;
        while (got.stream().noneMatch(p -> p.type() == 4) || publishId < 0) {
            FakeBroker.Packet p = s.readPacket();
            assertThat(p).as("the client answers after the fuzzing; so far: %s", got).isNotNull();
            got.add(p);
            if (p.type() == 3) {
                publishId = ((p.body()[2 + 7] & 0xFF) << 8) | (p.body()[2 + 7 + 1] & 0xFF);
            }
        }
        s.send(Packets.reply(v5, 0x40, publishId, 0, "ok"));
        assertThat(published.get(10, TimeUnit.SECONDS).packetId()).isEqualTo(publishId);
        assertThat(rig.delivered.get()).isEqualTo(before + 1);
        FakeBroker.Packet puback = got.stream().filter(p -> p.type() == 4).findFirst().orElseThrow();
        assertThat(((puback.body()[0] & 0xFF) << 8) | (puback.body()[1] & 0xFF)).isEqualTo(77);
        s.close();
        rig.lost.poll(10, TimeUnit.SECONDS);
        rig.checkLogs("the health check");
    }

    /** Samples heap and pooled direct memory growth while a case runs. */
    private static final class MemoryWatch {
        record Peak(long heapBytes, long pooledDirectBytes) {
        }

        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong heapPeak = new AtomicLong();
        private final AtomicLong directPeak = new AtomicLong();
        private final long heapBase;
        private final long directBase;
        private final Thread sampler;

        private MemoryWatch() {
            System.gc();
            heapBase = heapUsed();
            directBase = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            sampler = new Thread(() -> {
                while (running.get()) {
                    heapPeak.accumulateAndGet(heapUsed() - heapBase, Math::max);
                    directPeak.accumulateAndGet(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBase,
                            Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "memory-watch");
            sampler.setDaemon(true);
            sampler.start();
        }

        static MemoryWatch start() {
            return new MemoryWatch();
        }

        Peak stop() throws InterruptedException {
            running.set(false);
            sampler.join();
            return new Peak(heapPeak.get(), directPeak.get());
        }

        private static long heapUsed() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    used += pool.getUsage().getUsed();
                }
            }
            return used;
        }
    }
}
