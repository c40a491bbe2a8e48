package io.github.camelmqttbridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Scenario 4: the HTTP sink of mqtt-to-http.yaml (a JDK HttpServer here) answers 500 for a while, then stops
 * answering (each request hangs past the client's 1 s response timeout), then recovers. The route must retry with
 * back-off, dead-letter what still fails after its retries (3 here) into its dead letter file, and lose nothing:
 * every number is either delivered with a 2xx or in the dead letter file.
 */
class HttpSinkOutageFaultTest extends FaultTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Mode { OK, ERROR_500, HANG }

    private volatile Mode mode = Mode.OK;
    private final List<Integer> delivered = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();
    private volatile long firstOkAfterRecoveryNanos;
    private volatile long recoveredAtNanos = Long.MAX_VALUE;

    @Test
    void webhookFailsThenHangsThenRecovers() throws Exception {
        int qos = 1;
        String run = runName("http", qos);
        int n = messages();
        Duration errors = Reliability.outage(Duration.ofSeconds(4), Duration.ofSeconds(15));
        Duration hang = Reliability.outage(Duration.ofSeconds(4), Duration.ofSeconds(15));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/hook", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Mode m = mode;
            switch (m) {
                case OK -> {
                    delivered.add(sequence(body));
                    long now = System.nanoTime();
                    if (now > recoveredAtNanos && firstOkAfterRecoveryNanos == 0) {
                        firstOkAfterRecoveryNanos = now;
                    }
                    exchange.sendResponseHeaders(200, -1);
                }
                case ERROR_500 -> {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(500, -1);
                }
                case HANG -> {
                    hung.incrementAndGet();
                    BridgeProcess.sleep(3000); // the client gave up after 1 s
                }
            }
            exchange.close();
        });
        server.start();
        Path dlqDir = runDir(run).resolve("dead-letters");
        try (BridgeProcess bridge = new BridgeProcess(runDir(run).resolve("bridge"), List.of("mqtt-to-http.yaml"))
                .property("mqtt.url", mosquitto.tcpUrl())
                .property("mqtt.clientId", "rel-" + run)
                .property("mqtt.qos", qos)
                .property("mqtt.http.filter", run + "/#")
                .property("bridge.state.dir", runDir(run).resolve("state"))
                .property("bridge.dlq.dir", dlqDir)
                .property("http.url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook")
                .property("http.retries", 3)
                .property("http.retry.delay", 200)
                .property("http.retry.maxDelay", 1000)
                // the route sets no HTTP timeouts; camel-http's defaults are 3 minutes
                .property("camel.component.http.responseTimeout", 1000)
                .property("camel.component.http.soTimeout", 1000)
                .property("camel.component.http.connectTimeout", 1000);
             NumberedPublisher publisher = publisher(run, qos)) {
            bridge.start();
            publisher.start(n);
            publisher.awaitIssued(randomPoint(0.2, 0.3), Duration.ofMinutes(5));
            mode = Mode.ERROR_500;
            BridgeProcess.sleep(errors.toMillis());
            mode = Mode.HANG;
            BridgeProcess.sleep(hang.toMillis());
            recoveredAtNanos = System.nanoTime();
            mode = Mode.OK;
            publisher.awaitConfirmed(drainTimeout());
            awaitAccounted(n, dlqDir, Duration.ofSeconds(30), drainTimeout());
            bridge.stop();

            List<Integer> deadLettered = deadLettered(dlqDir);
            List<Integer> all = new ArrayList<>(delivered);
            all.addAll(deadLettered);
            Tally tally = new Tally(n, all);
            Tally http = new Tally(n, new ArrayList<>(delivered));
            Duration recovery = firstOkAfterRecoveryNanos == 0 ? null
                    : Duration.ofNanos(firstOkAfterRecoveryNanos - recoveredAtNanos);
            Reliability.report(tally.summary("4-http-500-then-hang", qos, recovery, String.format(Locale.ROOT,
                    "sink=http+dead-letter-file delivered=%d deadLettered=%d answered500=%d timedOut=%d"
                            + " httpDuplicates=%d errors=%ds hang=%ds",
                    delivered.size(), deadLettered.size(), refused.get(), hung.get(), http.duplicates,
                    errors.toSeconds(), hang.toSeconds())));
            assertThat(tally.lost).as("neither delivered nor dead-lettered: %s; bridge log:\n%s", tally,
                    bridge.tail(30)).isZero();
            assertThat(refused.get()).as("the sink answered 500 at least once").isPositive();
            assertThat(recovery).as("nothing delivered after the sink recovered").isNotNull();
        } finally {
            server.stop(0);
        }
    }

    private void awaitAccounted(int n, Path dlqDir, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastChange = System.nanoTime();
        int last = -1;
        while (System.nanoTime() < deadline) {
            List<Integer> all = new ArrayList<>(delivered);
            all.addAll(deadLettered(dlqDir));
            int distinct = new Tally(n, all).distinct;
            if (distinct >= n) {
                return;
            }
            if (distinct != last) {
                last = distinct;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > quiet.toNanos()) {
                return;
            }
            BridgeProcess.sleep(250);
        }
    }

    /** Sequence numbers of the original payloads in the dead letter files (payloadBase64). */
    private static List<Integer> deadLettered(Path dlqDir) {
        List<Integer> numbers = new ArrayList<>();
        if (!Files.isDirectory(dlqDir)) {
            return numbers;
        }
        try (Stream<Path> files = Files.list(dlqDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode record = JSON.readTree(line);
                        numbers.add(sequence(Base64.getDecoder().decode(record.get("payloadBase64").asText())));
                    } catch (IOException | RuntimeException torn) {
                        numbers.add(-1);
                    }
                }
            }
        } catch (IOException e) {
            return numbers;
        }
        return numbers;
    }

    private static int sequence(byte[] json) {
        return SequenceTail.sequence(json);
    }
}
