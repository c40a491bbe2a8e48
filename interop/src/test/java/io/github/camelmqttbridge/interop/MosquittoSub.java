package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.testsupport.ChildProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A third-party subscriber: {@code mosquitto_sub} with a persistent session (-c, fixed client id) printing each
 * payload on a line of its own, counted per payload. Stopped and started again when our consumer is, it shows
 * whether duplicates come from the broker rather than from our client.
 */
final class MosquittoSub implements AutoCloseable {

    private final InteropBroker broker;
    private final String clientId = Clients.uniqueClientId("mosquitto-sub");
    private final String topic;
    private final int qos;
    private final Path log;
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private volatile ChildProcess process;

    MosquittoSub(InteropBroker broker, String topic, int qos, Path log) {
        this.broker = broker;
        this.topic = topic;
        this.qos = qos;
        this.log = log;
    }

    MosquittoSub start() {
        URI uri = URI.create(broker.url());
        ProcessBuilder command = new ProcessBuilder("mosquitto_sub", "-h", uri.getHost(), "-p",
                String.valueOf(uri.getPort()), "-V", "mqttv311", "-c", "-i", clientId, "-q", String.valueOf(qos),
                "-u", broker.userName(), "-P", broker.password(), "-t", topic); // a throw-away test user
        process = ChildProcess.start("mosquitto_sub", command, log,
                line -> received.computeIfAbsent(line.strip(), k -> new AtomicInteger()).incrementAndGet());
        return this;
    }

    /**
     * SIGTERM: mosquitto_sub disconnects and flushes what it printed (a SIGKILL would lose lines still in its stdout
     * buffer). libmosquitto keeps no client-side state: a QoS 2 message it had answered with PUBREC but not yet seen
     * PUBREL for is lost to it when it stops, whatever the broker does.
     */
    void stop() {
        ChildProcess p = process;
        if (p != null) {
            p.stop(java.time.Duration.ofSeconds(10));
        }
    }

    boolean isAlive() {
        ChildProcess p = process;
        return p != null && p.isAlive();
    }

    Map<String, AtomicInteger> received() {
        return received;
    }

    @Override
    public void close() {
        ChildProcess p = process;
        if (p != null) {
            p.kill();
        }
    }
}
