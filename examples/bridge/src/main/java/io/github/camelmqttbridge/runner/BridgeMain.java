package io.github.camelmqttbridge.runner;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

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
                                                 classpath pattern; default classpath:routes/mqtt-to-file.yaml
              --properties <file>                properties overriding the routes' defaults
                                                 (classpath:routes/application.properties)
              --status-interval <seconds>        seconds between status lines (default 10, 0 = none)
              --stacktrace                       print the full stack trace of a fatal error
              --help                             this text
              name=value                         set one property, e.g. mqtt.url=tcp://broker:1883
                                                 (environment variables work too: MQTT_URL, KAFKA_BROKERS, ...)

            Without mqtt.url (option, properties file or MQTT_URL) the bridge starts an embedded MQTT 5 broker
            (HiveMQ CE) on 127.0.0.1:1883, or on a free port if 1883 is taken, and prints where to publish.
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
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println("camel-mqtt-bridge: stopping (in-flight messages finish and are acked first)");
            runner.close();
            stopped.countDown();
        }, "bridge-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The parsed command line. */
    record BridgeOptions(boolean help, String routes, Path properties, int statusIntervalSeconds, boolean stacktrace,
            Map<String, String> overrides) {

        static BridgeOptions parse(String[] args) {
            boolean help = false;
            boolean stacktrace = false;
            String routes = null;
            Path properties = null;
            int interval = 10;
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
                    case "--status-interval" -> {
                        String v = value(rest, ++i, arg);
                        try {
                            interval = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--status-interval " + v + ": not a number of seconds");
                        }
                    }
                    default -> {
                        int eq = arg.indexOf('=');
                        if (arg.startsWith("-") || eq <= 0) {
                            throw new IllegalArgumentException("unknown option '" + arg + "'");
                        }
                        overrides.put(arg.substring(0, eq), arg.substring(eq + 1));
                    }
                }
            }
            return new BridgeOptions(help, routes, properties, interval, stacktrace, overrides);
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size() || args.get(i).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }
    }
}
