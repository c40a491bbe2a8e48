package io.github.camelmqttbridge.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * A running bridge: camel-main with the YAML routes, and the embedded default broker when no MQTT broker
 * is configured. {@link #close()} stops Camel gracefully (consumers stop taking new messages, in-flight exchanges
 * finish — and are acked — within the shutdown timeout), then the embedded broker.
 */
public final class BridgeRunner implements AutoCloseable {

    static final String DEFAULT_ROUTES = "classpath:routes/mqtt-to-file.yaml";
    static final String DEFAULTS = "classpath:routes/application.properties";

    private final Main main;
    private final EmbeddedBroker broker;
    private final ScheduledExecutorService status;
    private final String mqttUrl;

    private BridgeRunner(Main main, EmbeddedBroker broker, ScheduledExecutorService status, String mqttUrl) {
        this.main = main;
        this.broker = broker;
        this.status = status;
        this.mqttUrl = mqttUrl;
    }

    static BridgeRunner start(BridgeMain.BridgeOptions options, PrintStream out) throws Exception {
        Properties user = new Properties();
        if (options.properties() != null) {
            try (InputStream in = Files.newInputStream(options.properties())) {
                user.load(in);
            }
        }
        String mqttUrl = firstNonBlank(options.overrides().get("mqtt.url"), user.getProperty("mqtt.url"),
                System.getenv("MQTT_URL"), System.getProperty("mqtt.url"));
        EmbeddedBroker broker = null;
        Main main = new Main();
        try {
            if (mqttUrl == null) {
                broker = EmbeddedBroker.start(1883);
                mqttUrl = broker.url();
                main.addOverrideProperty("mqtt.url", mqttUrl);
                out.println("camel-mqtt-bridge: no mqtt.url configured: started the embedded MQTT 5 broker (HiveMQ CE) at "
                        + mqttUrl);
            }
            String routes = routesPattern(options.routes());
            main.configure().withRoutesIncludePattern(routes);
            main.configure().withShutdownTimeout(30);
            main.configure().withJmxEnabled(true);
            main.configure().withName("camel-mqtt-bridge");
            String locations = DEFAULTS;
            if (options.properties() != null) {
                locations += ",file:" + options.properties().toAbsolutePath();
            }
            main.setPropertyPlaceholderLocations(locations);
            options.overrides().forEach(main::addOverrideProperty);
            main.start();

            CamelContext context = main.getCamelContext();
            out.println("camel-mqtt-bridge: started " + context.getRoutes().size() + " route(s) from " + routes);
            for (var route : context.getRoutes()) {
                out.println("  " + route.getRouteId() + ": " + route.getEndpoint().getEndpointBaseUri());
            }
            if (broker != null) {
                out.println("camel-mqtt-bridge: publish to " + mqttUrl + ", e.g.");
                out.println("  mosquitto_pub -h 127.0.0.1 -p " + broker.port()
                        + " -V mqttv5 -q 1 -t sensors/dev-1/temperature -m '{\"value\":21.5}'");
                out.println("  and watch " + Path.of(context.resolvePropertyPlaceholders("{{bridge.out.dir}}"))
                        .toAbsolutePath() + "/sensors/dev-1/temperature/");
            }
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
            return new BridgeRunner(main, broker, status, mqttUrl);
        } catch (Exception | Error e) {
            try {
                main.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
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

    @Override
    public void close() {
        if (status != null) {
            status.shutdownNow();
        }
        try {
            main.stop();
        } catch (Exception ignored) {
            // stopping: nothing left to do about it
        }
        if (broker != null) {
            broker.close();
        }
    }
}
