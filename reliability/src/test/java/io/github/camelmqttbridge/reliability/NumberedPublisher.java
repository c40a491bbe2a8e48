package io.github.camelmqttbridge.reliability;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the numbered stream 0..n-1 with this project's own engine client: QoS 1 or 2, a persistent session
 * (cleanStart=false, 1 h expiry, so a broker restart does not lose its in-flight messages), automatic reconnect, and
 * at most {@code window} unconfirmed messages (a semaphore; the broker's Receive Maximum caps it too). A publish whose
 * future fails (e.g. the client gave up during a broker outage) is published again, so the publisher itself never
 * loses a number; {@link #republished()} counts those, as they can legitimately cause duplicates downstream.
 * <p>
 * Message {@code i} goes to {@code <root>/dev-<i % devices>/seq} with the payload
 * {@code {"value":<i % 100>,"unit":"n","ts":<i>}}: the route keeps {@code ts}, so it carries the sequence number
 * into Kafka and files; {@code poison} (if &gt;= 0) is replaced by a payload no route can parse.
 */
final class NumberedPublisher implements AutoCloseable {

    static final String POISON_PAYLOAD = "this is not a reading #";

    private final MqttClient client;
    private final String root;
    private final int qos;
    private final int window;
    private final int devices;
    private final AtomicInteger confirmed = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicLong republished = new AtomicLong();
    private volatile int poison = -1;
    private volatile double ratePerSecond;
    private volatile Throwable failure;
    private Thread thread;
    private long startNanos;
    private long endNanos;

    NumberedPublisher(String brokerUrl, String root, int qos, int window, int devices) {
        this.root = root;
        this.qos = qos;
        this.window = window;
        this.devices = devices;
        this.client = new MqttClient(MqttClientOptions.builder()
                .serverUri(brokerUrl)
                .clientId("rel-pub-" + UUID.randomUUID().toString().substring(0, 8))
                .version(MqttVersion.V5)
                .cleanStart(false)
                .sessionExpiryInterval(3600)
                .keepAliveSeconds(10)
                .connectTimeout(Duration.ofSeconds(5))
                .maxInflight(window)
                .maxPendingPublishes(window * 4)
                .minReconnectDelay(Duration.ofMillis(100))
                .maxReconnectDelay(Duration.ofSeconds(2))
                .build());
    }

    NumberedPublisher poisonAt(int index) {
        this.poison = index;
        return this;
    }

    /** Paces the stream (0 = as fast as the window allows), so that faults land in the middle of it. */
    NumberedPublisher rate(double messagesPerSecond) {
        this.ratePerSecond = messagesPerSecond;
        return this;
    }

    static byte[] payload(int i) {
        return ("{\"value\":" + (i % 100) + ",\"unit\":\"n\",\"ts\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    String topic(int i) {
        return root + "/dev-" + (i % devices) + "/seq";
    }

    /** Connects and starts publishing {@code count} messages on a background thread. */
    NumberedPublisher start(int count) {
        try {
            client.connect().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publisher cannot connect: " + e, e);
        }
        startNanos = System.nanoTime();
        thread = new Thread(() -> run(count), "numbered-publisher");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run(int count) {
        Semaphore permits = new Semaphore(window);
        try {
            for (int i = 0; i < count; i++) {
                if (ratePerSecond > 0) {
                    long due = startNanos + (long) (i * 1e9 / ratePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                permits.acquire();
                issued.incrementAndGet();
                publish(i, permits);
            }
            permits.acquire(window); // all confirmed
            endNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void publish(int i, Semaphore permits) {
        byte[] payload = i == poison ? POISON_PAYLOAD.getBytes(StandardCharsets.UTF_8) : payload(i);
        client.publish(OutboundMessage.of(topic(i), payload, qos)).whenComplete((result, error) -> {
            if (error == null) {
                confirmed.incrementAndGet();
                permits.release();
            } else {
                // not confirmed: publish it again (after a short pause, off the client's event loop)
                republished.incrementAndGet();
                Thread retry = new Thread(() -> {
                    BridgeProcess.sleep(200);
                    publish(i, permits);
                }, "republish-" + i);
                retry.setDaemon(true);
                retry.start();
            }
        });
    }

    /** Messages the broker confirmed (PUBACK / PUBCOMP). */
    int confirmed() {
        return confirmed.get();
    }

    /** Messages handed to the client so far (the stream's position). */
    int issued() {
        return issued.get();
    }

    long republished() {
        return republished.get();
    }

    /** Waits until every message was confirmed by the broker. */
    void awaitConfirmed(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new IllegalStateException("publisher failed: " + failure, failure);
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("publisher not done after " + timeout + ": " + confirmed() + " confirmed, "
                    + issued() + " issued");
        }
    }

    /** Blocks until the stream reached message {@code index}. */
    void awaitIssued(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (issued() < index) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("publisher stuck at " + issued() + " of " + index);
            }
            BridgeProcess.sleep(20);
        }
    }

    Duration elapsed() {
        return Duration.ofNanos((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        client.close();
    }
}
