package io.github.camelmqttbridge.benchmarks.bridge;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * One bridge: a CamelContext running one YAML route in the style of {@code routes/mqtt-to-kafka.yaml} — MQTT
 * consumer, record key from the MQTT topic, Kafka producer with {@code acks=all}, idempotence,
 * {@code synchronous=false} (the exchange completes in the send callback, so an ack-after-exchange consumer
 * acknowledges MQTT only once Kafka has the record) — plus two benchmark steps: {@link SlowSink} before Kafka
 * (inactive unless asked for) and {@link Recorder} after it. The sensor parsing / jq enrichment of the real
 * route is left out on purpose: it costs the same CPU in every variant and would hide the MQTT side.
 */
public final class BridgeInstance implements AutoCloseable {

    /**
     * How to build one bridge.
     *
     * @param consumerOptions  extra consumer parameters (mqtt-bridge or paho-mqtt5 option names), e.g. ordering=strict;
     *                         those named {@code kafka.<option>} go to the Kafka producer instead
     * @param persistentSession cleanStart=false and a session expiry of one hour, so the broker queues while it is away
     * @param autoStartup      false: the route starts when told ({@link #startRoute()}), e.g. to drain a backlog
     * @param logSink          true: a {@code log:} step (a throughput line per 10,000 messages) instead of Kafka
     */
    public record Spec(Variant variant, String brokerUri, String topicFilter, int qos, String kafkaBootstrap,
            String kafkaTopic, String clientId, int window, String sharedGroup, double sinkRatePerSecond,
            java.util.Map<String, String> consumerOptions, boolean persistentSession, boolean autoStartup,
            boolean logSink) {

        public Spec(Variant variant, String brokerUri, String topicFilter, int qos, String kafkaBootstrap,
                String kafkaTopic, String clientId, int window, String sharedGroup, double sinkRatePerSecond) {
            this(variant, brokerUri, topicFilter, qos, kafkaBootstrap, kafkaTopic, clientId, window, sharedGroup,
                    sinkRatePerSecond, java.util.Map.of(), false, true, false);
        }
    }

    static final String ROUTE_ID = "bench-mqtt-to-kafka";

    private final DefaultCamelContext context;

    private BridgeInstance(DefaultCamelContext context) {
        this.context = context;
    }

    public static BridgeInstance start(Spec spec, org.apache.camel.Processor recorder) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("benchRecorder", recorder);
        context.getRegistry().bind("benchSlowSink", new SlowSink(spec.sinkRatePerSecond()));
        context.getShutdownStrategy().setTimeout(5);
        Resource resource = ResourceHelper.fromString("bench-bridge.yaml", yaml(spec));
        PluginHelper.getRoutesLoader(context).loadRoutes(resource);
        try {
            context.start();
        } catch (Exception e) {
            context.close();
            throw e;
        }
        return new BridgeInstance(context);
    }

    /** The route, as loaded. */
    public static String yaml(Spec s) {
        StringBuilder from = new StringBuilder();
        String topicHeader;
        if (s.variant() == Variant.OURS || s.variant() == Variant.OURS_PARALLEL) {
            topicHeader = "CamelMqttBridgeTopic";
            from.append("      uri: \"mqtt-bridge:").append(s.topicFilter()).append("\"\n")
                    .append("      parameters:\n")
                    .append("        brokerUrl: \"").append(s.brokerUri()).append("\"\n")
                    .append("        clientId: \"").append(s.clientId()).append("\"\n")
                    .append("        qos: ").append(s.qos()).append("\n")
                    .append("        protocolVersion: \"5\"\n")
                    .append(session(s))
                    .append("        receiveMaximum: ").append(s.window()).append("\n")
                    .append("        maxInflight: ").append(s.window()).append("\n");
            if (s.variant() == Variant.OURS_PARALLEL) {
                from.append("        parallelProcessing: true\n");
            }
            if (s.sharedGroup() != null) {
                from.append("        sharedSubscriptionGroup: \"").append(s.sharedGroup()).append("\"\n");
            }
        } else {
            topicHeader = "CamelMqttTopic";
            from.append("      uri: \"paho-mqtt5:").append(s.topicFilter()).append("\"\n")
                    .append("      parameters:\n")
                    .append("        brokerUrl: \"").append(s.brokerUri()).append("\"\n")
                    .append("        clientId: \"").append(s.clientId()).append("\"\n")
                    .append("        qos: ").append(s.qos()).append("\n")
                    .append(session(s))
                    .append("        manualAcksEnabled: ").append(s.variant() == Variant.PAHO_MANUAL).append("\n");
        }
        s.consumerOptions().forEach((k, v) -> {
            if (!k.startsWith("kafka.")) {
                from.append("        ").append(k).append(": \"").append(v).append("\"\n");
            }
        });
        java.util.Map<String, String> producer = new java.util.LinkedHashMap<>();
        producer.put("lingerMs", "5"); // as routes/mqtt-to-kafka.yaml
        s.consumerOptions().forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                producer.put(k.substring("kafka.".length()), v);
            }
        });
        producer.putAll(kafkaOptions());
        StringBuilder producerParameters = new StringBuilder();
        producer.forEach((k, v) -> producerParameters.append("              ").append(k).append(": \"").append(v)
                .append("\"\n"));
        String sink = s.logSink()
                ? "        - to:\n"
                        + "            uri: \"log:bench-drain\"\n"
                        + "            parameters:\n"
                        + "              groupSize: 10000\n"
                        + "              level: WARN\n"
                : "        - to:\n"
                        + "            uri: \"kafka:" + s.kafkaTopic() + "\"\n"
                        + "            parameters:\n"
                        + "              brokers: \"" + s.kafkaBootstrap() + "\"\n"
                        + "              requestRequiredAcks: all\n"
                        + "              enableIdempotence: true\n"
                        + "              maxInFlightRequest: 5\n"
                        + "              synchronous: false\n"
                        + "              valueSerializer: org.apache.kafka.common.serialization.ByteArraySerializer\n"
                        + producerParameters;
        return "- route:\n"
                + "    id: " + ROUTE_ID + "\n"
                + (s.autoStartup() ? "" : "    autoStartup: false\n")
                + "    from:\n"
                + from
                + "      steps:\n"
                + "        - process:\n"
                + "            ref: benchSlowSink\n"
                + "        - setHeader:\n"
                + "            name: kafka.KEY\n"
                + "            simple: \"${header." + topicHeader + "}\"\n"
                + sink
                + "        - process:\n"
                + "            ref: benchRecorder\n";
    }

    /**
     * Profiling knob (never for published figures): {@code -Dbench.kafka.options=lingerMs=0,batchSize=65536} sets Kafka
     * producer parameters of every bridge route (over the route's own and the case's).
     */
    private static java.util.Map<String, String> kafkaOptions() {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        for (String kv : System.getProperty("bench.kafka.options", "").split(",")) {
            if (kv.contains("=")) {
                options.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return options;
    }

    private static String session(Spec s) {
        return s.persistentSession() ? "        cleanStart: false\n        sessionExpiryInterval: 3600\n"
                : "        cleanStart: true\n";
    }

    /** Starts the route (built with autoStartup false): the consumer connects and subscribes. */
    public void startRoute() throws Exception {
        context.getRouteController().startRoute(ROUTE_ID);
    }

    /** Stops the route gracefully: exchanges in flight finish, the consumer disconnects (its session stays). */
    public void stopRoute() throws Exception {
        context.getRouteController().stopRoute(ROUTE_ID);
    }

    @Override
    public void close() {
        try {
            context.close();
        } catch (Exception e) {
            System.out.println("    (closing the bridge's CamelContext failed: " + e + ")");
        }
    }
}
