package io.github.camelmqttbridge.benchmarks.bridge;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Progress;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.SequenceCounter;
import io.github.camelmqttbridge.benchmarks.Stats;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.AckMode;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The two halves of the bridge alone, in the same run and on the same broker and Kafka: MQTT in (our engine
 * subscribing, automatic acks, nothing else to do) and Kafka out (a plain producer, acks=all). Runs before the
 * bridge scenario so that it can print its figure as a fraction of min(broker, Kafka).
 */
public final class MachineLimitsScenario implements Scenario {

    private static final AtomicInteger IDS = new AtomicInteger();

    @Override
    public String name() {
        return "machine-limits";
    }

    @Override
    public String title() {
        return "Limits of this machine: broker alone, Kafka alone";
    }

    @Override
    public Result run(Config config) throws Exception {
        int kafkaRecords = config.bridgeMessages() * 2;
        Result result = Result.of(String.format(Locale.ROOT, """
                **Broker alone:** our engine subscribes (MQTT 5, Receive Maximum W = %d, automatic acks, the listener \
                only counts) to `bench/limit/<run>/+/+` while our engine publishes N = %,d messages of %d bytes over \
                the same %d topics as the bridge scenario, window W; rate = distinct received / (first publish → last \
                receipt): what the bridge's MQTT side could deliver if the route cost nothing. **Kafka alone:** one \
                `KafkaProducer` (kafka-clients, `acks=all`, `enable.idempotence=true`, `max.in.flight.requests.per.connection=5`, \
                `linger.ms=5`, other settings default, as the route's producer) sends %,d records of %d bytes with a String key to a \
                new one-partition topic of the same in-process Kafka, asynchronously; rate = records / (first send → \
                last callback). R = %d runs each after one unmeasured warm-up (max(N/10, 20,000) messages; Kafka twice that).""", config.window(), config.bridgeMessages(),
                config.payloadSize(), BridgeRun.TOPICS, kafkaRecords, config.payloadSize(), config.repeats()));
        for (int qos : new int[] {1, 2}) {
            String group = "broker alone: MQTT 5 QoS " + qos + " subscriber (our engine)";
            config.progress().say("-- limits, " + group);
            brokerRun(config, qos, config.warmupMessages(), group + " warm-up", new double[1]);
            Stats stats = measured(config, result, group,
                    (label, rate) -> brokerRun(config, qos, config.bridgeMessages(), label, rate));
            if (stats != null) {
                if (qos == 1) {
                    Limits.brokerQos1 = stats.median();
                } else {
                    Limits.brokerQos2 = stats.median();
                }
            }
            result.add(new Figure(group, "Mosquitto + our engine", "msg/s", stats, true, false, ""));
        }
        String group = "Kafka alone: producer acks=all, " + config.payloadSize() + "-byte records";
        config.progress().say("-- limits, " + group);
        kafkaRun(config, 2 * config.warmupMessages(), group + " warm-up", new double[1]);
        Stats stats = measured(config, result, group, (label, rate) -> kafkaRun(config, kafkaRecords, label, rate));
        if (stats != null) {
            Limits.kafka = stats.median();
        }
        result.add(new Figure(group, "in-process KRaft Kafka 4.1.1", "records/s", stats, true, false, ""));
        if (Limits.brokerQos1 > 0 && Limits.kafka > 0) {
            result.observe(String.format(Locale.ROOT, "min(broker alone QoS 1, Kafka alone) = %,.0f msg/s: the ceiling "
                    + "the bridge's QoS 1 figure is compared with.", Math.min(Limits.brokerQos1, Limits.kafka)));
        }
        return result;
    }

    /** One measured run: puts its rate in {@code rate[0]}, returns null or what went wrong. */
    @FunctionalInterface
    private interface Run {
        String run(String label, double[] rate);
    }

    /** R measured runs of one figure; a failed run is reported as a problem and left out of the statistics. */
    private static Stats measured(Config config, Result result, String group, Run run) {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < config.repeats(); r++) {
            double[] rate = new double[1];
            String error = run.run(group + " run " + (r + 1) + "/" + config.repeats(), rate);
            if (error != null) {
                result.problem(group + ", run " + (r + 1) + ": " + error);
            } else {
                rates.add(rate[0]);
            }
        }
        return rates.isEmpty() ? null : Stats.of(rates);
    }

    private static String brokerRun(Config config, int qos, int n, String label, double[] rateOut) {
        int id = IDS.incrementAndGet();
        String prefix = "bench/limit/" + id;
        MqttClient subscriber = new MqttClient(MqttClientOptions.builder().serverUri(config.brokerUri())
                .clientId("bench-limit-sub-" + id).version(MqttVersion.V5).receiveMaximum(config.window())
                .maxInflight(config.window()).ackMode(AckMode.AUTO).automaticReconnect(false).build());
        Progress.Tracker tracker = config.progress().track(label + " (received)", n);
        SequenceCounter received = new SequenceCounter(n, tracker);
        try {
            subscriber.connect().get(30, TimeUnit.SECONDS);
            subscriber.subscribe(prefix + "/+/+", qos, m -> received.accept(m.payload())).get(30, TimeUnit.SECONDS);
            try (LoadPublisher publisher = new LoadPublisher(config.brokerUri(), "bench-limit-src-" + id, config.window())) {
                long start = System.nanoTime();
                String error = publisher.publish(prefix, BridgeRun.TOPICS, qos, n, config.payloadSize(), 0,
                        config.stallTimeout(), null);
                long got = received.awaitAll(n, config.stallTimeout());
                if (got < n) {
                    tracker.finish("INCOMPLETE");
                    return (error != null ? error + "; " : "") + "received " + got + " of " + n;
                }
                rateOut[0] = n / ((received.lastReceiveNanos() - start) / 1e9);
                tracker.finish(String.format(Locale.ROOT, "%,.0f msg/s", rateOut[0]));
                return error;
            }
        } catch (Exception e) {
            tracker.finish("FAILED: " + e);
            return "exception " + e;
        } finally {
            subscriber.close();
        }
    }

    private static String kafkaRun(Config config, int n, String label, double[] rateOut) {
        var kafka = BenchKafka.get();
        String topic = "bench-limit-" + IDS.incrementAndGet();
        kafka.createTopics(topic);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        Progress.Tracker tracker = config.progress().track(label + " (acked)", n);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor(topic); // metadata before the clock starts
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] value = new byte[config.payloadSize()];
                ByteBuffer.wrap(value).putLong(0, i);
                producer.send(new ProducerRecord<>(topic, "bench/limit/d" + (i % BridgeRun.TOPICS) + "/m", value),
                        (md, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, e);
                            }
                            lastAck.accumulateAndGet(System.nanoTime(), Math::max);
                            tracker.set(acked.incrementAndGet());
                        });
            }
            producer.flush();
            rateOut[0] = n / ((lastAck.get() - start) / 1e9);
            tracker.finish(String.format(Locale.ROOT, "%,.0f records/s%s", rateOut[0],
                    failed.get() > 0 ? ", " + failed.get() + " failed" : ""));
            return failed.get() > 0 ? failed.get() + " sends failed, first: " + firstError.get() : null;
        } catch (Exception e) {
            tracker.finish("FAILED: " + e);
            return "exception " + e;
        }
    }
}
