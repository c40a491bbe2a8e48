package io.github.camelmqttbridge.benchmarks;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What a run was asked for, parsed from the command line ({@link #parse}). Scenarios read what applies to
 * them; unknown options are refused so a typo never silently changes a measurement.
 *
 * @param mode        quick or full
 * @param messages    N: messages per measured run of the raw clients
 * @param bridgeMessages messages per measured run of the bridge scenarios (machine-limits, bridge-e2e, scale-out)
 * @param repeats     R: measured runs per figure (the report shows their median, min and max)
 * @param window      in-flight window of every publisher and Receive Maximum of every MQTT 5 subscriber
 * @param payloadSize bytes per message
 * @param brokerUri   an external broker to use, or null to start our own Mosquitto with generous limits
 * @param only        scenario names to run (regex), or null for all
 * @param clients     client libraries to run in the raw-client scenario (regex over ours, paho, hivemq), or null for all
 * @param out         Markdown file to write
 * @param stallTimeout a run that makes no progress for this long is aborted and reported as stalled
 * @param progress    where scenarios report progress
 */
public record Config(Mode mode, int messages, int bridgeMessages, int repeats, int window, int payloadSize, String brokerUri,
        Pattern only, Pattern clients, String out, Duration stallTimeout, Progress progress) {

    public static final String USAGE = String.join("\n",
            "java -jar benchmarks/target/benchmarks.jar [--quick | --full] [options]",
            "  --quick              small N, 3 repeats, short JMH (default)",
            "  --full               large N, 5 repeats, longer JMH: for published figures on a quiet machine",
            "  --messages=N         messages per measured run (quick 20000, full 200000); also the bridge's unless",
            "  --bridge-messages=N  messages per measured bridge run (quick 100000, full 200000)",
            "  --repeats=R          measured runs per figure (quick 5, full 5)",
            "  --window=W           in-flight window of every client (default 1000)",
            "  --payload=BYTES      message size (default 100)",
            "  --broker=tcp://h:p   use this broker instead of starting our own Mosquitto",
            "  --only=REGEX         run only the scenarios whose name matches",
            "  --clients=REGEX      raw-client: only these libraries (ours, paho, hivemq); ours is the ratio baseline",
            "  --out=FILE           Markdown report (default benchmarks/target/BENCHMARKS-<mode>.md)",
            "  --stall-seconds=S    abort a run without progress for S seconds (default 30)");

    public static Config parse(String... args) {
        Mode mode = Mode.QUICK;
        Integer messages = null;
        Integer bridgeMessages = null;
        Integer repeats = null;
        int window = 1000;
        int payload = 100;
        String broker = null;
        Pattern only = null;
        Pattern clients = null;
        String out = null;
        int stall = 30;
        for (String arg : args) {
            String key = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            switch (key) {
                case "--quick" -> mode = Mode.QUICK;
                case "--full" -> mode = Mode.FULL;
                case "--messages" -> messages = positive(key, value);
                case "--bridge-messages" -> bridgeMessages = positive(key, value);
                case "--repeats" -> repeats = positive(key, value);
                case "--window" -> window = positive(key, value);
                case "--payload" -> payload = atLeast(key, value, 8);
                case "--broker" -> broker = required(key, value);
                case "--only" -> only = Pattern.compile(required(key, value));
                case "--clients" -> clients = Pattern.compile(required(key, value));
                case "--out" -> out = required(key, value);
                case "--stall-seconds" -> stall = positive(key, value);
                default -> throw new IllegalArgumentException("Unknown option '" + arg + "'\n" + USAGE);
            }
        }
        return new Config(mode, messages != null ? messages : mode.defaultMessages(),
                bridgeMessages != null ? bridgeMessages : messages != null ? messages : mode.defaultBridgeMessages(),
                repeats != null ? repeats : mode.defaultRepeats(), window, payload, broker, only, clients, out,
                Duration.ofSeconds(stall), new Progress(System.out));
    }

    /** The same configuration pointing at the broker the runner started. */
    public Config withBroker(String uri) {
        return new Config(mode, messages, bridgeMessages, repeats, window, payloadSize, uri, only, clients, out, stallTimeout, progress);
    }

    public boolean selected(String scenarioName) {
        return only == null || only.matcher(scenarioName).find();
    }

    public boolean clientSelected(String library) {
        return clients == null || clients.matcher(library).find();
    }

    /**
     * Messages of the unmeasured warm-up run before a figure: N/10, but at least 20,000. Fewer (2,000 at the quick
     * N) left the JIT compiling Camel, Kafka and the MQTT clients through the measured runs (async-profiler: C2
     * compiler threads at about a third of the CPU during them), which favoured whichever variant ran last.
     */
    public int warmupMessages() {
        return Math.max(WARMUP_FLOOR, messages / 10);
    }

    /** The least warm-up, see {@link #warmupMessages()}. */
    public static final int WARMUP_FLOOR = 20_000;

    public boolean quick() {
        return mode == Mode.QUICK;
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " needs a value, e.g. " + key + "=...\n" + USAGE);
        }
        return value;
    }

    private static int positive(String key, String value) {
        return atLeast(key, value, 1);
    }

    private static int atLeast(String key, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(required(key, value).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs a whole number, not '" + value + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", not " + n);
        }
        return n;
    }
}
