package io.github.camelmqttbridge.mqtt.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * One real {@link MqttClient} (over a real socket, so the real decoder runs) against a {@link FakeBroker}, for
 * many hostile cases in a row: every case is a fresh connection the client made by itself (automatic reconnect).
 * After each case the rig checks the log lines that case produced.
 */
final class FuzzRig implements AutoCloseable {

    /** Lines that mean an exception escaped, a buffer leaked, or a callback blew up: never acceptable. */
    static final Pattern FORBIDDEN = Pattern.compile("reached at the tail of the pipeline|LEAK:|Unexpected exception"
            + "|An exception was thrown by|A connection listener failed|Unexpected failure|exceptionCaught");
    static final int MAX_PACKET = 1024 * 1024;

    final MqttVersion version;
    final FakeBroker broker;
    final MqttClient client;
    final LogCapture logs;
    final BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger delivered = new AtomicInteger();
    final AtomicReference<InboundMessage> lastMessage = new AtomicReference<>();
    private int checkedLines;
    private int cases;

    FuzzRig(MqttVersion version, LogCapture logs) throws IOException {
        this.version = version;
        this.logs = logs;
        this.broker = new FakeBroker();
        this.client = new MqttClient(MqttClientOptions.builder().serverUri(broker.url()).version(version)
                .clientId("fuzz-" + version).keepAliveSeconds(30).connectTimeout(Duration.ofSeconds(5))
                .minReconnectDelay(Duration.ofMillis(1)).maxReconnectDelay(Duration.ofMillis(20))
                .maximumPacketSize(MAX_PACKET).ackMode(AckMode.MANUAL).build());
        client.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(ConnectResult result, boolean reconnect) {
                connected.incrementAndGet();
            }

            @Override
            public void connectionLost(Throwable cause) {
                lost.add(cause);
            }
        });
        client.subscribe(List.of(Subscription.of("#", 2)), m -> {
            delivered.incrementAndGet();
            lastMessage.set(m);
            m.acknowledge();
        });
        client.connect();
    }

    boolean v5() {
        return version == MqttVersion.V5;
    }

    /** The result of one case: what the broker saw and the cause the client reported. */
    record Result(FakeBroker.Outcome outcome, Throwable cause) {
        boolean clientClosed() {
            return outcome.clientClosed();
        }
    }

    /**
     * Accepts the client's next connection, handshakes, sends {@code hostile}, waits up to {@code graceMillis}
     * for the client to close (then closes from our side, with a RST when {@code reset}), and checks that the
     * client reported the loss with a readable cause and logged nothing forbidden.
     */
    Result run(String name, byte[] hostile, long graceMillis, boolean reset) throws Exception {
        cases++;
        FakeBroker.Session s = broker.accept(10_000);
        FakeBroker.Outcome outcome;
        try {
            s.handshake(1);
            s.send(hostile);
            outcome = s.awaitClientClose(graceMillis);
        } catch (IOException e) {
            // the client may close while we are still writing
            outcome = new FakeBroker.Outcome(true, List.of(), 0);
        } finally {
            s.close(reset);
        }
        Throwable cause = lost.poll(10, TimeUnit.SECONDS);
        String what = describe(name, hostile);
        assertThat(cause).as("connectionLost for %s", what).isNotNull();
        assertReadable(cause, what);
        checkLogs(what);
        return new Result(outcome, cause);
    }

    void assertReadable(Throwable cause, String what) {
        String message = cause.getMessage();
        assertThat(message).as("cause message for %s", what).isNotBlank()
                .contains(broker.url()).doesNotContain("\n").doesNotContain("\r");
        assertThat(message.length()).as("cause message length for %s: %s", what, message).isLessThan(1000);
    }

    /** Fails on forbidden lines and on ERROR lines (none are expected from the engine for network input). */
    void checkLogs(String what) {
        List<LogCapture.Line> all = logs.lines();
        List<LogCapture.Line> fresh = all.subList(Math.min(checkedLines, all.size()), all.size());
        checkedLines = all.size();
        for (LogCapture.Line line : fresh) {
            assertThat(FORBIDDEN.matcher(line.all()).find() || line.isError())
                    .as("after %s the log has: %s", what, line.all()).isFalse();
            assertThat(line.message()).as("log line after %s is one line", what).doesNotContain("\n");
        }
    }

    /** Collects garbage and allocates, so that paranoid leak detection reports anything that leaked so far. */
    void forceLeakReports(String what) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 50; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                a.release();
                ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(64);
                b.release();
                ByteBuf c = Unpooled.directBuffer(16);
                c.release();
            }
        }
        checkLogs(what);
    }

    int cases() {
        return cases;
    }

    static String describe(String name, byte[] bytes) {
        byte[] shown = bytes.length > 64 ? java.util.Arrays.copyOf(bytes, 64) : bytes;
        return name + " [" + bytes.length + " bytes: " + HexFormat.of().formatHex(shown) + (bytes.length > 64 ? "..." : "")
                + "]";
    }

    @Override
    public void close() throws IOException {
        client.close();
        broker.close();
    }
}
