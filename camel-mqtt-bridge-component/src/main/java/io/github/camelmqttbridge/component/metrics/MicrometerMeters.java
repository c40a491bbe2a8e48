package io.github.camelmqttbridge.component.metrics;

import io.github.camelmqttbridge.component.MqttBridgeConsumer;
import io.github.camelmqttbridge.component.MqttBridgeProducer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * The Micrometer meters of one consumer or producer, registered in Camel's meter registry (the {@code MeterRegistry}
 * bean camel-micrometer / camel-main's {@code camel.metrics.*} bind as {@value MqttBridgeMetrics#METRICS_REGISTRY_NAME},
 * else the only {@code MeterRegistry} in Camel's registry). Loaded only when Micrometer is on the class path (see
 * {@link MqttBridgeMetrics}). Names ({@code mqtt.bridge.*}) and tags are listed in {@link #CONSUMER_METERS} and
 * {@link #PRODUCER_METERS}; tags are the route id, the endpoint's configured topics and the client id, never a
 * received topic or anything secret.
 */
final class MicrometerMeters implements ClientMeters {

    /** Counters (exported with {@code _total}), gauges and timers of a consumer: name to description. */
    static final Map<String, String> CONSUMER_METERS = Map.ofEntries(
            Map.entry("mqtt.bridge.consumer.received", "Messages received from the broker"),
            Map.entry("mqtt.bridge.consumer.acknowledged", "Messages acknowledged to the broker (PUBACK / PUBREC)"),
            Map.entry("mqtt.bridge.consumer.redelivered", "Redeliveries of failed messages to the route"),
            Map.entry("mqtt.bridge.consumer.failed", "Exchanges that failed (each failure counts)"),
            Map.entry("mqtt.bridge.consumer.dead.lettered",
                    "Exchanges that failed and were handled by the route's error handler (dead letter channel,"
                            + " onException handled), then acknowledged"),
            Map.entry("mqtt.bridge.consumer.duplicates.suppressed",
                    "QoS 2 duplicates the broker re-sent that were not delivered again"),
            Map.entry("mqtt.bridge.consumer.receive.maximum.exceeded",
                    "QoS 1/2 messages the broker sent beyond our Receive Maximum"),
            Map.entry("mqtt.bridge.consumer.inflight", "Messages received and not yet acknowledged"),
            Map.entry("mqtt.bridge.consumer.connected", "1 while the client is connected, else 0"),
            Map.entry("mqtt.bridge.consumer.reconnects", "Reconnects, by what ended the previous connection"),
            Map.entry("mqtt.bridge.consumer.ack.latency",
                    "From a QoS 1/2 message's arrival to its PUBACK (QoS 1) / PUBREC (QoS 2) being written"));

    /** Counters, gauges and timers of a producer: name to description. */
    static final Map<String, String> PRODUCER_METERS = Map.ofEntries(
            Map.entry("mqtt.bridge.producer.published", "Messages published"),
            Map.entry("mqtt.bridge.producer.confirmed", "Publishes the broker confirmed"),
            Map.entry("mqtt.bridge.producer.failed", "Publishes that failed or were refused"),
            Map.entry("mqtt.bridge.producer.inflight", "Published messages awaiting the broker's confirmation"),
            Map.entry("mqtt.bridge.producer.pending", "Messages waiting for room in the in-flight window"),
            Map.entry("mqtt.bridge.producer.connected", "1 while the client is connected, else 0"),
            Map.entry("mqtt.bridge.producer.reconnects", "Reconnects, by what ended the previous connection"),
            Map.entry("mqtt.bridge.producer.publish.latency",
                    "From publish() to the broker's PUBACK (QoS 1) / PUBCOMP (QoS 2)"));

    /** Histogram buckets of the latency timers: a fixed, small set (Prometheus {@code _bucket} series). */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Map<String, Counter> reconnects = new HashMap<>();
    private final Timer[] latencyByQos = new Timer[3];

    private MicrometerMeters(MeterRegistry registry, String prefix, Tags tags) {
        this.registry = registry;
        this.prefix = prefix;
        this.tags = tags;
        for (String reason : ReconnectReasons.ALL) {
            // registered up front: a dashboard sees 0, not "no data", for a reason that never happened
            reconnects.put(reason, add(Counter.builder(prefix + "reconnects").description(describe("reconnects"))
                    .tags(tags).tag("reason", reason).register(registry)));
        }
    }

    /** Camel's meter registry, or null when there is none. */
    static MeterRegistry registry(CamelContext context) {
        Registry r = context.getRegistry();
        MeterRegistry found = r.lookupByNameAndType(MqttBridgeMetrics.METRICS_REGISTRY_NAME, MeterRegistry.class);
        return found != null ? found : r.findSingleByType(MeterRegistry.class);
    }

    static ClientMeters consumer(MqttBridgeConsumer c, String clientId) {
        MeterRegistry registry = registry(c.getEndpoint().getCamelContext());
        if (registry == null) {
            return ClientMeters.NONE;
        }
        Tags tags = Tags.of("route", nonNull(c.getRouteId()), "topics", nonNull(c.getEndpoint().getTopics()),
                "client.id", clientId);
        MicrometerMeters m = new MicrometerMeters(registry, "mqtt.bridge.consumer.", tags);
        m.counter("received", c, MqttBridgeConsumer::getReceived);
        m.counter("acknowledged", c, MqttBridgeConsumer::getAcknowledged);
        m.counter("redelivered", c, MqttBridgeConsumer::getRedelivered);
        m.counter("failed", c, MqttBridgeConsumer::getFailed);
        m.counter("dead.lettered", c, MqttBridgeConsumer::getDeadLettered);
        m.counter("duplicates.suppressed", c, MqttBridgeConsumer::getDuplicatesSuppressed);
        m.counter("receive.maximum.exceeded", c, MqttBridgeConsumer::getReceiveMaximumExceeded);
        m.gauge("inflight", c, MqttBridgeConsumer::getInflight);
        m.gauge("connected", c, x -> "CONNECTED".equals(x.getConnectionState()) ? 1 : 0);
        for (int qos = 1; qos <= 2; qos++) {
            m.latencyByQos[qos] = m.timer("ack.latency", qos);
        }
        return m;
    }

    static ClientMeters producer(MqttBridgeProducer p, String clientId) {
        MeterRegistry registry = registry(p.getEndpoint().getCamelContext());
        if (registry == null) {
            return ClientMeters.NONE;
        }
        Tags tags = Tags.of("topics", nonNull(p.getEndpoint().getTopics()), "client.id", clientId);
        MicrometerMeters m = new MicrometerMeters(registry, "mqtt.bridge.producer.", tags);
        m.counter("published", p, MqttBridgeProducer::getPublished);
        m.counter("confirmed", p, MqttBridgeProducer::getConfirmed);
        m.counter("failed", p, MqttBridgeProducer::getFailed);
        m.gauge("inflight", p, MqttBridgeProducer::getInflight);
        m.gauge("pending", p, MqttBridgeProducer::getPendingPublishes);
        m.gauge("connected", p, x -> "CONNECTED".equals(x.getConnectionState()) ? 1 : 0);
        for (int qos = 1; qos <= 2; qos++) {
            m.latencyByQos[qos] = m.timer("publish.latency", qos);
        }
        return m;
    }

    @Override
    public void acknowledgementWritten(int qos, long nanosSinceArrival) {
        record(qos, nanosSinceArrival);
    }

    @Override
    public void publishConfirmed(int qos, long nanosSincePublish) {
        record(qos, nanosSincePublish);
    }

    private void record(int qos, long nanos) {
        Timer t = qos == 1 || qos == 2 ? latencyByQos[qos] : null;
        if (t != null) {
            t.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void reconnected(String reason) {
        Counter c = reconnects.get(reason);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
            meters.clear();
        }
    }

    private <T> void counter(String name, T source, ToDoubleFunction<T> value) {
        add(FunctionCounter.builder(prefix + name, source, value).description(describe(name)).tags(tags)
                .register(registry));
    }

    private <T> void gauge(String name, T source, ToDoubleFunction<T> value) {
        add(Gauge.builder(prefix + name, source, value).description(describe(name)).tags(tags).strongReference(true)
                .register(registry));
    }

    private Timer timer(String name, int qos) {
        return add(Timer.builder(prefix + name).description(describe(name)).tags(tags).tag("qos", Integer.toString(qos))
                .serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0])
                .maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }

    private String describe(String name) {
        String full = prefix + name;
        String d = CONSUMER_METERS.get(full);
        return d != null ? d : PRODUCER_METERS.getOrDefault(full, full);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
