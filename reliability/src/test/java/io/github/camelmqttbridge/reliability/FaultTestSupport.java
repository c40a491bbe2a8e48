package io.github.camelmqttbridge.reliability;

import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What every fault scenario shares: a Mosquitto child process per test class with persistence on and no queue
 * limit, a bridge child process per run, the numbered stream and the final tally.
 * <p>
 * Mosquitto's defaults would themselves lose messages in these tests: {@code max_queued_messages} is 1000 per
 * client, so while the bridge is down or slow the broker <em>drops</em> QoS 1/2 messages for its persistent session.
 * The broker here runs with {@code max_queued_messages 0} (unlimited) and {@code max_inflight_messages 100} (the
 * publisher's window; Mosquitto also announces it as its MQTT 5 Receive Maximum), and with {@code autosave_interval 1}
 * (a persistence snapshot every second instead of every 30 minutes).
 */
abstract class FaultTestSupport {

    /** Unacknowledged messages per client: the publisher's window and the bridge consumer's (maxInflight 100). */
    static final int WINDOW = 100;
    static final int DEVICES = 20;
    static final String MOSQUITTO_LIMITS = "max_queued_messages 0\nmax_inflight_messages " + WINDOW
            + "\nautosave_interval 1\n";

    static MosquittoBroker mosquitto;
    static Path workDir;
    static final Random RANDOM = new Random(Long.getLong("reliability.seed", System.nanoTime()));

    @BeforeAll
    static void startMosquitto() throws IOException {
        workDir = Files.createTempDirectory("reliability-");
        mosquitto = MosquittoBroker.builder().persistence(true).extraConfig(MOSQUITTO_LIMITS).start();
    }

    @AfterAll
    static void stopMosquitto() {
        if (mosquitto != null) {
            try {
                // keep the broker's log (log_type all) next to the bridges' output for post-mortems
                Files.copy(mosquitto.logFile(), workDir.resolve("mosquitto.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // no log
            }
            mosquitto.close();
        }
    }

    /** Lines of the Mosquitto log (log_type all) that contain {@code text}. */
    static long mosquittoLogLines(String text) {
        try (var lines = Files.lines(mosquitto.logFile(), java.nio.charset.StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    static int messages() {
        return Reliability.messages();
    }

    /** Messages per second of the stream: long enough for faults to land mid-stream (~10 s for 3,000). */
    static double rate() {
        String configured = System.getProperty("reliability.rate");
        if (configured != null && !configured.isBlank()) {
            return Double.parseDouble(configured);
        }
        return Math.max(300, messages() / 20.0);
    }

    /** A fresh name per run: MQTT topic root, client id, Kafka topic prefix and state directory derive from it. */
    static String runName(String scenario, int qos) {
        return scenario + "-q" + qos + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    static Path runDir(String run) {
        try {
            return Files.createDirectories(workDir.resolve(run));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A bridge child process running the real routes/mqtt-to-kafka.yaml (plus {@code moreRoutes}) for this run:
     * file session store, cleanStart=false and sessionExpiryInterval=3600 (as the route file sets them), a fixed
     * client id, subscription QoS {@code qos}, topics {@code <run>/+/+} to Kafka topic {@code <run>.seq}.
     */
    static BridgeProcess kafkaBridge(String run, int qos, String brokerUrl, String bootstrap, String... moreRoutes) {
        return kafkaBridge(run, "", qos, brokerUrl, bootstrap, moreRoutes);
    }

    /**
     * As {@link #kafkaBridge(String, int, String, String, String...)}, as one of several replicas of the same bridge
     * (same client id and topics): {@code replica} names its own output and state folders, as separate machines
     * would have.
     */
    static BridgeProcess kafkaBridge(String run, String replica, int qos, String brokerUrl, String bootstrap,
            String... moreRoutes) {
        List<String> routes = new java.util.ArrayList<>();
        routes.add("mqtt-to-kafka.yaml");
        routes.addAll(List.of(moreRoutes));
        Path dir = runDir(run);
        String suffix = replica.isEmpty() ? "" : "-" + replica;
        return new BridgeProcess(dir.resolve("bridge" + suffix), routes)
                .property("mqtt.url", brokerUrl)
                .property("mqtt.clientId", "rel-" + run)
                .property("mqtt.qos", qos)
                .property("mqtt.sensors.filter", run + "/+/+")
                .property("mqtt.file.filter", run + "/#")
                .property("bridge.state.dir", dir.resolve("state" + suffix))
                .property("bridge.out.dir", dir.resolve("out" + suffix))
                .property("kafka.brokers", bootstrap)
                .property("kafka.topic.prefix", run + ".")
                .property("kafka.dlq.topic", run + ".dlq")
                .property("camel.component.mqtt-bridge.configuration.maxReconnectDelay", 2000);
    }

    static String dataTopic(String run) {
        return run + ".seq";
    }

    static String dlqTopic(String run) {
        return run + ".dlq";
    }

    /** A run that bridges to Kafka: its name, with its data and dead letter topics created. */
    static String kafkaRun(String scenario, int qos) {
        String run = runName(scenario, qos);
        SharedKafka.createTopics(dataTopic(run), dlqTopic(run));
        return run;
    }

    static NumberedPublisher publisher(String run, int qos) {
        return new NumberedPublisher(mosquitto.tcpUrl(), run, qos, WINDOW, DEVICES).rate(rate());
    }

    /** A point of the stream picked at random in [from, to) of its length. */
    static int randomPoint(double from, double to) {
        int n = messages();
        return (int) (n * from) + RANDOM.nextInt(Math.max(1, (int) (n * (to - from))));
    }

    static Duration drainTimeout() {
        return Duration.ofSeconds(Math.max(120, messages() / 50));
    }
}
