package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.SequenceCounter;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our engine alone (no Camel, automatic acks, the listener only counts) on the bridge's topics: what the MQTT side of
 * a bridge could deliver if the route cost nothing. Live (subscribed while the publisher publishes) or backlog (a
 * persistent session that was away while the messages were queued, then reconnects).
 */
final class EngineAlone {

    private static final AtomicInteger IDS = new AtomicInteger();

    private EngineAlone() {
    }

    /** One run: puts the rate in {@code rateOut[0]}; returns null or what went wrong. */
    static String run(Config config, int qos, int n, int topics, boolean backlog, String label, double[] rateOut) {
        int id = IDS.incrementAndGet();
        String prefix = "bench/alone/" + id;
        String clientId = "bench-alone-" + id;
        Progress.Tracker tracker = config.progress().track(label + " (received)", n);
        SequenceCounter received = new SequenceCounter(n, tracker);
        MqttClient subscriber = client(config, clientId, backlog);
        try {
            var subscribed = subscriber.subscribe(prefix + "/+/+", qos, m -> received.accept(m.payload()));
            subscriber.connect().get(30, TimeUnit.SECONDS);
            subscribed.get(30, TimeUnit.SECONDS);
            if (backlog) {
                subscriber.close(); // the session stays: the broker queues what follows
            }
            long start = System.nanoTime();
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), clientId + "-src", config.window())) {
                String error = publisher.publish(prefix, topics, qos, n, config.payloadSize(), 0, BridgeRun.stall(config),
                        null);
                if (error != null) {
                    tracker.finish("FAILED (publisher)");
                    return error;
                }
            }
            if (backlog) {
                subscriber = client(config, clientId, true);
                subscriber.subscribe(prefix + "/+/+", qos, m -> received.accept(m.payload()));
                start = System.nanoTime();
                subscriber.connect().get(30, TimeUnit.SECONDS);
            }
            long got = received.awaitAll(n, BridgeRun.stall(config));
            if (got < n) {
                tracker.finish("INCOMPLETE");
                return "received " + got + " of " + n;
            }
            rateOut[0] = n / ((received.lastReceiveNanos() - start) / 1e9);
            tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s", rateOut[0]));
            return null;
        } catch (Exception e) {
            tracker.finish("FAILED: " + e);
            return "exception " + e;
        } finally {
            subscriber.close();
        }
    }

    private static MqttClient client(Config config, String clientId, boolean persistent) {
        return new MqttClient(MqttClientOptions.builder().serverUri(config.brokerUri()).clientId(clientId)
                .version(MqttVersion.V5).cleanStart(!persistent).sessionExpiryInterval(persistent ? 3600 : 0)
                .receiveMaximum(config.window()).maxInflight(config.window()).ackMode(AckMode.AUTO)
                .automaticReconnect(false).build());
    }
}
