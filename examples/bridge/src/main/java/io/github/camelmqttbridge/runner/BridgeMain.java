package io.github.camelmqttbridge.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bridge's command line: {@code java -jar camel-mqtt-bridge-runner.jar [options] [key=value ...]}.
 * <p>
 * Exit codes: 0 after a clean shutdown or {@code --help}; 1 when the configuration or a connection is wrong
 * (one line on stderr says which file, line or option); 2 for a bad command line.
 */
public final class BridgeMain {

    static final String USAGE = """
            Usage: java -jar camel-mqtt-bridge-runner.jar [options] [name=value ...]

            Runs the camel-mqtt-bridge YAML routes on camel-main.

            Options:
              --routes <dir|file|classpath:...>  route files to load: a folder (all *.yaml in it), one file, or a
                                                 classpath pattern (comma-separated list); default
                                                 classpath:routes/mqtt-to-kafka.yaml,classpath:routes/mqtt-to-file.yaml
              --properties <file>                properties overriding the routes' defaults
                                                 (classpath:routes/application.properties)
              --status-interval <seconds>        seconds between status lines (default 10, 0 = none)
              --shutdown-timeout <seconds>       on Ctrl-C, how long in-flight messages get to finish (default 30)
              --management-port <port>           HTTP port of /observe/health and /observe/metrics (Prometheus);
                                                 default 9876 (a free one when taken), 0 = none
                                                 (same as camel.management.port=<port>)
              --tail-kafka <topic|regex>         print the records of a Kafka topic from the beginning until Ctrl-C,
                                                 and start no bridge (kafka.brokers; default: the embedded Kafka of
                                                 the last run with the same state folder, else 127.0.0.1:9092)
              --stacktrace                       print the full stack trace of a fatal error
              --help                             this text
              name=value                         set one property, e.g. mqtt.url=tcp://broker:1883
                                                 (environment variables work too: MQTT_URL, KAFKA_BROKERS, ...)

            Without mqtt.url (option, properties file or MQTT_URL) the bridge starts an embedded MQTT 5 broker
            (HiveMQ CE) on 127.0.0.1, port 1883 or a free one; without kafka.brokers (KAFKA_BROKERS) and with a Kafka
            route, an embedded one-node KRaft Kafka on 127.0.0.1, port 9092 or a free one. Both keep their data in
            the state folder and take the same port on the next start when it is free. It prints where to publish
            and how to read the results.

            Folders (bridge.data.dir, default ~/.camel-mqtt-bridge; BRIDGE_DATA_DIR): state/ (bridge.state.dir:
            MQTT sessions, embedded brokers' data), out/ (bridge.out.dir), dead-letters/ (bridge.dlq.dir).
            """;

    private BridgeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs until Ctrl-C (or JVM shutdown) and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        BridgeOptions options;
        try {
            options = BridgeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("camel-mqtt-bridge: " + e.getMessage());
            err.println("Try --help.");
            return 2;
        }
        if (options.help()) {
            out.print(USAGE);
            return 0;
        }
        if (options.tailKafka() != null) {
            return tailKafka(options, out, err);
        }
        BridgeRunner runner;
        try {
            runner = BridgeRunner.start(options, out);
        } catch (Exception e) {
            err.println("camel-mqtt-bridge: " + FatalErrors.describe(e));
            if (options.stacktrace()) {
                e.printStackTrace(err);
            }
            return 1;
        }
        awaitStopSignal(out);
        out.println("camel-mqtt-bridge: stopping (in-flight messages finish and are acked first)");
        runner.close();
        out.println("camel-mqtt-bridge: stopped");
        return 0;
    }

    /**
     * Blocks until Ctrl-C (SIGINT) or SIGTERM. The signals are taken over so that the bridge stops on this thread
     * and the process exits 0 after a clean shutdown (a second signal, 2 s or more after the first, ends it at once
     * with exit code 130; {@code timeout} and process-group kills deliver one signal twice). Where the signals
     * cannot be taken over, a shutdown hook stops the bridge instead (exit code then 128 + signal).
     */
    private static void awaitStopSignal(PrintStream out) {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicLong first = new AtomicLong();
        boolean handled = true;
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    first.compareAndSet(0, System.nanoTime());
                    if (stop.getCount() == 0 && System.nanoTime() - first.get() > 2_000_000_000L) {
                        out.println("camel-mqtt-bridge: second " + name + ": stopping now");
                        Runtime.getRuntime().halt(130);
                    }
                    stop.countDown();
                });
            } catch (RuntimeException | LinkageError e) {
                handled = false;
            }
        }
        Thread hook = new Thread(stop::countDown, "bridge-shutdown");
        if (!handled) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int tailKafka(BridgeOptions options, PrintStream out, PrintStream err) {
        String brokers;
        try {
            brokers = tailBrokers(options);
        } catch (RuntimeException e) {
            err.println("camel-mqtt-bridge: " + FatalErrors.describe(e));
            return 1;
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread tail = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                tail.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tail-shutdown"));
        try {
            KafkaTail.run(brokers, options.tailKafka(), out, stop);
            return 0;
        } catch (Exception e) {
            err.println("camel-mqtt-bridge: " + FatalErrors.describe(e));
            return 1;
        }
    }

    /**
     * Where --tail-kafka reads: kafka.brokers when set (argument, environment, --properties file), else the embedded
     * Kafka of the runner with the same state folder (its last port), else 127.0.0.1:9092.
     */
    static String tailBrokers(BridgeOptions options) {
        try (BridgeProperties properties = new BridgeProperties(BridgeRunner.propertyLocations(options),
                options.overrides())) {
            String configured = BridgeRunner.configured(options, userProperties(options), "kafka.brokers");
            if (configured != null) {
                return properties.get("kafka.brokers").orElse(configured);
            }
            int embedded = EmbeddedData.lastPort(properties.folder("bridge.state.dir"), BridgeRunner.KAFKA_PORT);
            return "127.0.0.1:" + (embedded > 0 ? embedded : 9092);
        }
    }

    private static java.util.Properties userProperties(BridgeOptions options) {
        java.util.Properties user = new java.util.Properties();
        if (options.properties() != null) {
            try (var in = Files.newInputStream(options.properties())) {
                user.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(options.properties() + ": " + e.getMessage(), e);
            }
        }
        return user;
    }

    /** The parsed command line. */
    record BridgeOptions(boolean help, String routes, Path properties, int statusIntervalSeconds, boolean stacktrace,
            Map<String, String> overrides, int shutdownTimeoutSeconds, String tailKafka) {

        static BridgeOptions parse(String[] args) {
            boolean help = false;
            boolean stacktrace = false;
            String routes = null;
            Path properties = null;
            int interval = 10;
            int shutdownTimeout = 30;
            String tailKafka = null;
            Map<String, String> overrides = new LinkedHashMap<>();
            List<String> rest = new ArrayList<>(List.of(args));
            for (int i = 0; i < rest.size(); i++) {
                String arg = rest.get(i);
                switch (arg) {
                    case "--help", "-h" -> help = true;
                    case "--stacktrace" -> stacktrace = true;
                    case "--routes" -> routes = value(rest, ++i, arg);
                    case "--properties" -> {
                        properties = Path.of(value(rest, ++i, arg));
                        if (!Files.isRegularFile(properties)) {
                            throw new IllegalArgumentException("--properties " + properties + ": no such file");
                        }
                    }
                    case "--status-interval" -> interval = seconds(value(rest, ++i, arg), arg);
                    case "--shutdown-timeout" -> shutdownTimeout = seconds(value(rest, ++i, arg), arg);
                    case "--tail-kafka" -> tailKafka = value(rest, ++i, arg);
                    case "--management-port" -> overrides.put(BridgeRunner.MANAGEMENT_PORT,
                            Integer.toString(port(value(rest, ++i, arg), arg)));
                    default -> {
                        int eq = arg.indexOf('=');
                        if (arg.startsWith("-") || eq <= 0) {
                            throw new IllegalArgumentException("unknown option '" + arg + "'");
                        }
                        overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
                    }
                }
            }
            return new BridgeOptions(help, routes, properties, interval, stacktrace, overrides, shutdownTimeout,
                    tailKafka);
        }

        private static int port(String value, String option) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(option + " " + value + ": not a port number (0-65535)");
        }

        private static int seconds(String value, String option) {
            try {
                int seconds = Integer.parseInt(value);
                if (seconds >= 0) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(option + " " + value + ": not a number of seconds");
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }
    }
}
