package io.github.camelmqttbridge.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * A running bridge: camel-main with the YAML routes; the embedded default MQTT broker when no MQTT broker is
 * configured, and the embedded Kafka when no Kafka is configured and the routes use Kafka. {@link #close()} stops
 * Camel gracefully (consumers stop taking new messages, in-flight exchanges finish — and are acked — within the
 * shutdown timeout), then the embedded brokers.
 */
public final class BridgeRunner implements AutoCloseable {

    static final String DEFAULT_ROUTES = "classpath:routes/mqtt-to-kafka.yaml,classpath:routes/mqtt-to-file.yaml";
    static final String DEFAULTS = "classpath:routes/application.properties";
    /** camel-main's management HTTP port: /observe/health and /observe/metrics (camel-observability-services). */
    static final String MANAGEMENT_PORT = "camel.management.port";
    static final int DEFAULT_MANAGEMENT_PORT = 9876;
    /** Names of the embedded brokers' ports in {@link EmbeddedData}'s memory of the last run. */
    static final String MQTT_PORT = "mqtt";
    static final String KAFKA_PORT = "kafka";
    static final String KAFKA_CONTROLLER_PORT = "kafka.controller";

    private final Main main;
    private final EmbeddedData embeddedData;
    private final EmbeddedBroker broker;
    private final EmbeddedKafka kafka;
    private final ScheduledExecutorService status;
    private final String mqttUrl;
    private final String kafkaBrokers;
    private boolean closed;

    private BridgeRunner(Main main, EmbeddedData embeddedData, EmbeddedBroker broker, EmbeddedKafka kafka,
            ScheduledExecutorService status, String mqttUrl, String kafkaBrokers) {
        this.main = main;
        this.embeddedData = embeddedData;
        this.broker = broker;
        this.kafka = kafka;
        this.status = status;
        this.mqttUrl = mqttUrl;
        this.kafkaBrokers = kafkaBrokers;
    }

    static BridgeRunner start(BridgeMain.BridgeOptions options, PrintStream out) throws Exception {
        long began = System.nanoTime();
        Properties user = userProperties(options);
        String mqttUrl = configured(options, user, "mqtt.url");
        String kafkaBrokers = configured(options, user, "kafka.brokers");
        String routes = routesPattern(options.routes());
        String locations = propertyLocations(options);
        Path stateDir;
        try (BridgeProperties properties = new BridgeProperties(locations, options.overrides())) {
            stateDir = properties.folder("bridge.state.dir");
        }
        boolean embeddedMqtt = mqttUrl == null;
        boolean embeddedKafka = kafkaBrokers == null && routesUseKafka(routes);
        EmbeddedData data = null;
        EmbeddedBroker broker = null;
        EmbeddedKafka kafka = null;
        Main main = new Main();
        try {
            if (embeddedMqtt || embeddedKafka) {
                data = EmbeddedData.open(stateDir);
            }
            if (embeddedMqtt) {
                int port = choosePort(data, MQTT_PORT, 1883, "MQTT broker", out);
                broker = EmbeddedBroker.start(data.brokerHome(), port);
                data.rememberPort(MQTT_PORT, port);
                mqttUrl = broker.url();
                main.addOverrideProperty("mqtt.url", mqttUrl);
                out.println("camel-mqtt-bridge: no mqtt.url configured: started the embedded MQTT 5 broker (HiveMQ CE) at "
                        + mqttUrl + ", data in " + data.brokerHome());
            }
            if (embeddedKafka) {
                int port = choosePort(data, KAFKA_PORT, 9092, "Kafka", out);
                int controllerPort = data.choosePort(KAFKA_CONTROLLER_PORT, port == 9092 ? 9093 : Ports.anyFree());
                kafka = EmbeddedKafka.start(data.kafkaHome(), port, controllerPort);
                data.rememberPort(KAFKA_PORT, port);
                data.rememberPort(KAFKA_CONTROLLER_PORT, controllerPort);
                kafkaBrokers = kafka.bootstrapServers();
                main.addOverrideProperty("kafka.brokers", kafkaBrokers);
                out.println("camel-mqtt-bridge: no kafka.brokers configured: started the embedded Kafka (KRaft, one node) at "
                        + kafkaBrokers + ", data in " + data.kafkaHome());
            }
            main.configure().withRoutesIncludePattern(routes);
            // Ctrl-C: consumers stop taking messages, in-flight exchanges get this long to finish (and be acked)
            main.configure().withShutdownTimeout(options.shutdownTimeoutSeconds());
            main.configure().withShutdownSuppressLoggingOnTimeout(false);
            main.configure().withJmxEnabled(true);
            main.configure().withName("camel-mqtt-bridge");
            main.setPropertyPlaceholderLocations(locations);
            // camel-observability-services turns the management server on; its port is ours to choose (camel-main's
            // default, 8080, is every web application's); 0 switches it off here
            String chosenPort = managementPort(options, user);
            if (chosenPort == null) {
                // the default port, or a free one when it is taken (another runner, another application)
                int port = Ports.free(DEFAULT_MANAGEMENT_PORT) ? DEFAULT_MANAGEMENT_PORT : Ports.anyFree();
                main.addInitialProperty(MANAGEMENT_PORT, Integer.toString(port));
            } else if ("0".equals(chosenPort.trim())) {
                main.addOverrideProperty("camel.management.enabled", "false");
            }
            options.overrides().forEach(main::addOverrideProperty);
            main.addMainListener(EnvironmentProperties.installer());
            main.start();

            CamelContext context = main.getCamelContext();
            out.println("camel-mqtt-bridge: started " + context.getRoutes().size() + " route(s) from " + routes);
            for (var route : context.getRoutes()) {
                out.println("  " + route.getRouteId() + ": " + route.getEndpoint().getEndpointBaseUri());
            }
            out.println("  state (MQTT sessions" + (data != null ? ", embedded brokers' data" : "") + "): "
                    + stateDir + "  [bridge.state.dir]");
            printObserve(context, out);
            if (broker != null || kafka != null) {
                printHowToTry(context, mqttUrl, kafkaBrokers, out);
            }
            out.printf(Locale.ROOT, "camel-mqtt-bridge: ready in %.1f s (%.1f s since the JVM started); Ctrl-C stops%n",
                    (System.nanoTime() - began) / 1e9, ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
            ScheduledExecutorService status = null;
            if (options.statusIntervalSeconds() > 0) {
                status = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bridge-status");
                    t.setDaemon(true);
                    return t;
                });
                StatusLine line = new StatusLine(context);
                status.scheduleAtFixedRate(() -> out.println(line.next()), options.statusIntervalSeconds(),
                        options.statusIntervalSeconds(), TimeUnit.SECONDS);
            }
            return new BridgeRunner(main, data, broker, kafka, status, mqttUrl, kafkaBrokers);
        } catch (Exception | Error e) {
            try {
                main.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (kafka != null) {
                kafka.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (data != null) {
                data.close();
            }
            throw e;
        }
    }

    /** The last run's port when free (said so when it is not: clients may still use it), else the default's. */
    private static int choosePort(EmbeddedData data, String name, int preferred, String what, PrintStream out)
            throws IOException {
        int port = data.choosePort(name, preferred);
        int last = data.lastPort(name);
        if (last > 0 && last != port) {
            out.println("camel-mqtt-bridge: port " + last + " of the embedded " + what + "'s last run is taken: it"
                    + " listens on " + port + " now");
        }
        return port;
    }

    /** The routes' application.properties, then the --properties file (later locations win). */
    static String propertyLocations(BridgeMain.BridgeOptions options) {
        String locations = DEFAULTS;
        if (options.properties() != null) {
            locations += ",file:" + options.properties().toAbsolutePath();
        }
        return locations;
    }

    /** The port the user chose (argument, -D, environment, properties file), or null for the default. */
    private static String managementPort(BridgeMain.BridgeOptions options, Properties user) {
        return configured(options, user, MANAGEMENT_PORT);
    }

    private static void printObserve(CamelContext context, PrintStream out) {
        String enabled = context.getPropertiesComponent().resolveProperty("camel.management.enabled").orElse("false");
        if (!Boolean.parseBoolean(enabled.trim())) {
            return;
        }
        String port = context.getPropertiesComponent().resolveProperty(MANAGEMENT_PORT)
                .orElse(Integer.toString(DEFAULT_MANAGEMENT_PORT)).trim();
        String base = "http://127.0.0.1:" + port;
        out.println("  health: " + base + "/observe/health (readiness: /observe/health/ready, UP when every mqtt-bridge"
                + " consumer is connected and subscribed; liveness: /observe/health/live); metrics (Prometheus): " + base
                + "/observe/metrics  [camel.management.port, --management-port]");
    }

    private static void printHowToTry(CamelContext context, String mqttUrl, String kafkaBrokers, PrintStream out) {
        URI uri = URI.create(mqttUrl);
        String topic = exampleTopic(context);
        if (topic == null) {
            out.println("camel-mqtt-bridge: try it: publish to " + mqttUrl + " on the topics of the routes above");
            return;
        }
        out.println("camel-mqtt-bridge: try it: publish to " + mqttUrl + ", e.g.");
        out.println("  mosquitto_pub -h " + uri.getHost() + " -p " + uri.getPort()
                + " -V mqttv5 -q 1 -t " + topic + " -m '{\"value\":21.5}'");
        if (context.getRoute("mqtt-to-kafka") != null) {
            String prefix = context.resolvePropertyPlaceholders("{{kafka.topic.prefix}}");
            String dlq = context.resolvePropertyPlaceholders("{{kafka.dlq.topic}}");
            out.println("  Kafka (" + kafkaBrokers + "): topic " + prefix + "temperature, key dev-1; read it with");
            out.println("  " + selfCommand() + " --tail-kafka '" + prefix.replace(".", "\\.") + ".*' kafka.brokers="
                    + kafkaBrokers);
            out.println("  readings it cannot take (not parseable, outside sensors.range.<metric>) go to the dead letter"
                    + " topic " + dlq + " with the reason; read it with");
            out.println("  " + selfCommand() + " --tail-kafka " + dlq + " kafka.brokers=" + kafkaBrokers);
        }
        if (context.getRoute("mqtt-to-file") != null) {
            out.println("  files: " + Path.of(context.resolvePropertyPlaceholders("{{bridge.out.dir}}"))
                    .toAbsolutePath().normalize() + "/sensors/dev-1/temperature/<day>.jsonl  [bridge.out.dir]");
        }
    }

    /**
     * A topic to publish to in the "try it" lines: sensors/dev-1/temperature for the shipped routes, else one that the
     * first mqtt-bridge consumer's first filter matches ({@code +} as dev-1, {@code #} as test), or null.
     */
    static String exampleTopic(CamelContext context) {
        if (context.getRoute("mqtt-to-kafka") != null || context.getRoute("mqtt-to-file") != null) {
            return "sensors/dev-1/temperature";
        }
        for (var route : context.getRoutes()) {
            String uri = route.getEndpoint().getEndpointBaseUri();
            if (uri.startsWith("mqtt-bridge:")) {
                String path = uri.substring("mqtt-bridge:".length()).replaceFirst("^//", "");
                // URLDecoder would turn the single-level wildcard + into a space
                String filter = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8).split(",")[0];
                if (filter.startsWith("$share/")) {
                    filter = filter.substring(filter.indexOf('/', "$share/".length()) + 1);
                }
                return filter.replace("+", "dev-1").replace("#", "test");
            }
        }
        return null;
    }

    /** How this runner was started: java -jar path/to/the.jar, or the class name on a class path. */
    static String selfCommand() {
        try {
            Path code = Path.of(BridgeMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code)) {
                Path cwd = Path.of("").toAbsolutePath();
                Path shown = code.startsWith(cwd) ? cwd.relativize(code) : code;
                return "java -jar " + shown;
            }
        } catch (Exception ignored) {
            // fall through
        }
        return "java -jar camel-mqtt-bridge-runner.jar";
    }

    private static Properties userProperties(BridgeMain.BridgeOptions options) throws IOException {
        Properties user = new Properties();
        if (options.properties() != null) {
            try (InputStream in = Files.newInputStream(options.properties())) {
                user.load(in);
            }
        }
        return user;
    }

    /**
     * The user's value of a property, in the order of {@link EnvironmentProperties}: command line, JVM system
     * property, environment variable (mqtt.url -> MQTT_URL), the --properties file; null when none sets it (the
     * routes' own application.properties only has defaults).
     */
    static String configured(BridgeMain.BridgeOptions options, Properties user, String name) {
        return firstNonBlank(options.overrides().get(name), EnvironmentProperties.lookup(name),
                user.getProperty(name));
    }

    /** Whether the routes to load send to or read from Kafka (then the embedded default includes Kafka). */
    static boolean routesUseKafka(String pattern) {
        if (pattern.equals(DEFAULT_ROUTES)) {
            return true;
        }
        for (String part : pattern.split(",")) {
            part = part.strip();
            try {
                if (part.startsWith("file:")) {
                    Path path = Path.of(part.substring("file:".length()));
                    if (path.getFileName().toString().contains("*")) {
                        try (Stream<Path> files = Files.list(path.getParent())) {
                            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                                if (Files.readString(file).contains("kafka:")) {
                                    return true;
                                }
                            }
                        }
                    } else if (Files.isRegularFile(path) && Files.readString(path).contains("kafka:")) {
                        return true;
                    }
                } else if (part.startsWith("classpath:") && !part.contains("*")) {
                    try (InputStream in = BridgeRunner.class.getClassLoader()
                            .getResourceAsStream(part.substring("classpath:".length()))) {
                        if (in != null && new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("kafka:")) {
                            return true;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable here: camel-main reports it when it loads the routes
            }
        }
        return false;
    }

    /** A folder means every *.yaml in it; anything else is passed to camel-main as is. */
    static String routesPattern(String routes) {
        if (routes == null || routes.isBlank()) {
            return DEFAULT_ROUTES;
        }
        if (routes.startsWith("classpath:") || routes.startsWith("file:")) {
            return routes;
        }
        Path path = Path.of(routes).toAbsolutePath();
        if (Files.isDirectory(path)) {
            return "file:" + path + "/*.yaml";
        }
        if (Files.isRegularFile(path)) {
            return "file:" + path;
        }
        throw new UncheckedIOException(new IOException("--routes " + routes + ": no such file or folder"));
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public String mqttUrl() {
        return mqttUrl;
    }

    /** The Kafka bootstrap servers the routes use (the embedded Kafka's when it runs), or null. */
    public String kafkaBrokers() {
        return kafkaBrokers;
    }

    /** Stops Camel gracefully, then the embedded brokers; a second call waits for the first and returns. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (status != null) {
            status.shutdownNow();
        }
        try {
            main.stop();
        } catch (Exception ignored) {
            // stopping: nothing left to do about it
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (embeddedData != null) {
            embeddedData.close();
        }
    }
}
