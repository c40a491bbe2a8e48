package io.github.camelmqttbridge.mqtt.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's RabbitMQ with its MQTT plugin (3.1.1 only; answers a QoS 2 PUBLISH with PUBACK, refuses a forbidden
 * SUBSCRIBE by closing the connection). Tests ask the node for its actual MQTT listener rather than assuming a port,
 * and skip when RabbitMQ or the plugin is not there (see /work/shared/notes/test-environment.md for enabling it).
 */
public final class RabbitMqMqtt {

    private static final Pattern MQTT_LISTENER = Pattern.compile("port: (\\d+), protocol: mqtt,");
    private static volatile OptionalInt port;

    private RabbitMqMqtt() {
    }

    /** The port of the node's MQTT listener on 127.0.0.1, or empty when there is none. */
    public static synchronized OptionalInt port() {
        if (port == null) {
            OptionalInt found = OptionalInt.empty();
            try {
                Matcher m = MQTT_LISTENER.matcher(run("rabbitmq-diagnostics", "-q", "listeners"));
                if (m.find()) {
                    found = OptionalInt.of(Integer.parseInt(m.group(1)));
                }
            } catch (IOException | RuntimeException e) {
                // not installed or not running: tests skip
            }
            port = found;
        }
        return port;
    }

    public static String tcpUrl() {
        return "tcp://127.0.0.1:" + port().orElseThrow();
    }

    /** A user of the node, for MQTT's user name and password. */
    public record User(String name, String password) {
    }

    private static User restricted;

    /**
     * A user that may publish to and read from topics under {@code allowed/} and nothing else: made once per test JVM
     * (each rabbitmqctl run starts an Erlang VM, seconds apiece on a busy machine) and deleted when the JVM ends.
     */
    public static synchronized User restrictedUser() throws IOException {
        if (restricted == null) {
            String name = "camel_mqtt_bridge_test_" + java.util.UUID.randomUUID().toString().substring(0, 8);
            String user = erlangBinary(name);
            String allowed = erlangBinary("^allowed\\..*");
            run("rabbitmqctl", "eval", "U = " + user + ", A = <<\"camel-mqtt-bridge-tests\">>,"
                    + " ok = rabbit_auth_backend_internal:add_user(U, <<\"secret\">>, A),"
                    + " ok = rabbit_auth_backend_internal:set_permissions(U, <<\"/\">>, <<\".*\">>, <<\".*\">>, <<\".*\">>, A),"
                    + " ok = rabbit_auth_backend_internal:set_topic_permissions(U, <<\"/\">>, <<\"amq.topic\">>, "
                    + allowed + ", " + allowed + ", A).");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run("rabbitmqctl", "eval", "rabbit_auth_backend_internal:delete_user(" + user
                            + ", <<\"camel-mqtt-bridge-tests\">>).");
                } catch (IOException e) {
                    System.err.println("Could not delete RabbitMQ test user " + name + ": " + e.getMessage());
                }
            }, "rabbitmq-test-user-cleanup"));
            restricted = new User(name, "secret");
        }
        return restricted;
    }

    /** An Erlang binary literal of {@code s} (backslashes and quotes escaped). */
    private static String erlangBinary(String s) {
        return "<<\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\">>";
    }

    private static String run(String tool, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(Path.of("/usr/sbin", tool)) ? "/usr/sbin/" + tool : tool);
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
