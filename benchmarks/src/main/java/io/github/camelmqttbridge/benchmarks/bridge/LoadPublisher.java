package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The MQTT source of the bridge scenarios: our engine (MQTT 5), at most {@code window} publishes in flight,
 * messages spread round-robin over {@code topics} topics {@code <prefix>/d<k>/m} (devices: the bridge keeps order
 * per topic, as a real fleet of sensors would publish). Payload: sequence number (bytes 0-7), {@code System.nanoTime()}
 * at publish (bytes 8-15), zeros up to the payload size. Optionally paced to a fixed offered rate.
 */
public final class LoadPublisher implements AutoCloseable {

    private final MqttClient client;
    private final int window;
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicReference<Throwable> firstError = new AtomicReference<>();

    public LoadPublisher(String brokerUri, String clientId, int window) throws Exception {
        this.window = window;
        this.client = new MqttClient(MqttClientOptions.builder().serverUri(brokerUri).clientId(clientId)
                .version(MqttVersion.V5).maxInflight(window).receiveMaximum(window).ackMode(AckMode.AUTO)
                .automaticReconnect(false).build());
        client.connect().get(30, TimeUnit.SECONDS);
    }

    public static String topic(String prefix, int seq, int topics) {
        return prefix + "/d" + (seq % topics) + "/m";
    }

    /**
     * Publishes messages {@code 0..n-1} at QoS {@code qos}; {@code ratePerSecond} 0 = as fast as the window allows.
     * Returns null when all were confirmed by the broker, or why not.
     */
    public String publish(String prefix, int topics, int qos, int n, int payloadSize, double ratePerSecond,
            Duration stall, LongConsumerish onEach) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        String[] names = new String[topics];
        for (int k = 0; k < topics; k++) {
            names[k] = prefix + "/d" + k + "/m";
        }
        long interval = ratePerSecond > 0 ? (long) (1e9 / ratePerSecond) : 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (interval > 0) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            if (!permits.tryAcquire(stall.toNanos(), TimeUnit.NANOSECONDS)) {
                return "publisher stalled: window of " + window + " full for " + stall.toSeconds() + " s after " + i
                        + " publishes";
            }
            byte[] payload = new byte[Math.max(16, payloadSize)];
            ByteBuffer b = ByteBuffer.wrap(payload);
            b.putLong(0, i);
            b.putLong(8, System.nanoTime());
            client.publish(OutboundMessage.of(names[i % topics], payload, qos)).whenComplete((r, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
                completed.incrementAndGet();
                permits.release();
            });
            if (onEach != null) {
                onEach.accept(i + 1);
            }
        }
        long deadline = System.nanoTime() + stall.toNanos();
        while (completed.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        if (completed.get() < n) {
            return "publisher: only " + completed.get() + " of " + n + " publishes confirmed";
        }
        return failed.get() == 0 ? null : failed.get() + " publishes failed, first: " + firstError.get();
    }

    /** Progress callback. */
    @FunctionalInterface
    public interface LongConsumerish {
        void accept(long published);
    }

    @Override
    public void close() {
        client.close();
    }
}
