package io.github.camelmqttbridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MQTT over WebSocket on the machine's RabbitMQ (its {@code rabbitmq_web_mqtt} plugin, path {@code /ws}, MQTT 3.1.1).
 * {@link #ensureRunning()} enables what is missing on the running node and is idempotent: another test (or a
 * previous run) may have enabled {@code rabbitmq_mqtt} / {@code rabbitmq_web_mqtt} already, on ports of its own
 * choosing, so the ports are always read back from the node ({@code rabbitmq-diagnostics listeners}) rather than
 * assumed. A plugin enabled for the first time gets a listener on a free port (never MQTT's 1883, which the
 * machine's Mosquitto holds). RabbitMQ itself is never stopped or reconfigured otherwise.
 */
public final class RabbitMqWebMqtt {

    private static final Pattern LISTENER = Pattern.compile("port: (\\d+), protocol: ([\\w/-]+)");
    private static final long TOOL_TIMEOUT_SECONDS = 120;

    private RabbitMqWebMqtt() {
    }

    /** Enables rabbitmq_mqtt and rabbitmq_web_mqtt where they are not running; returns the WebSocket port. */
    public static synchronized int ensureRunning() {
        List<String[]> listeners = listeners();
        if (port(listeners, "mqtt").isEmpty()) {
            // Enabling web_mqtt enables rabbitmq_mqtt too; without this its TCP listener would take 1883.
            eval("application:load(rabbitmq_mqtt), application:set_env(rabbitmq_mqtt, tcp_listeners, [{\"127.0.0.1\","
                    + FreePorts.find() + "}]).");
        }
        if (port(listeners, "http/web-mqtt").isEmpty()) {
            eval("application:load(rabbitmq_web_mqtt), application:set_env(rabbitmq_web_mqtt, tcp_config, [{port, "
                    + FreePorts.find() + "}, {ip, \"127.0.0.1\"}]).");
            run(tool("rabbitmq-plugins"), "-q", "enable", "rabbitmq_web_mqtt");
            listeners = listeners();
        }
        return port(listeners, "http/web-mqtt").orElseThrow(() -> new IllegalStateException(
                "rabbitmq_web_mqtt is enabled but RabbitMQ reports no http/web-mqtt listener:\n" + listenersText()));
    }

    /** {@code ws://127.0.0.1:<port>/ws}, enabling the plugin first if needed. */
    public static String wsUrl() {
        return "ws://127.0.0.1:" + ensureRunning() + "/ws";
    }

    private static OptionalInt port(List<String[]> listeners, String protocol) {
        return listeners.stream().filter(l -> l[1].equals(protocol)).mapToInt(l -> Integer.parseInt(l[0])).findFirst();
    }

    private static List<String[]> listeners() {
        List<String[]> result = new ArrayList<>();
        Matcher m = LISTENER.matcher(listenersText());
        while (m.find()) {
            result.add(new String[] { m.group(1), m.group(2) });
        }
        return result;
    }

    private static String listenersText() {
        return run(tool("rabbitmq-diagnostics"), "-q", "listeners");
    }

    private static void eval(String expression) {
        run(tool("rabbitmqctl"), "-q", "eval", expression);
    }

    private static String tool(String name) {
        return ExecutableLocator.find(name, Path.of("/usr/sbin/" + name)).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' not found: RabbitMQ (Debian's rabbitmq-server) must run on this machine")).toString();
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command[0], e);
        }
    }
}
