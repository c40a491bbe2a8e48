package io.github.camelmqttbridge.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MQTT plugin ({@code rabbitmq_mqtt}, MQTT 3.1.1) of the RabbitMQ node that runs on this machine, set up with
 * {@code rabbitmqctl}, and test users with topic permissions that are deleted again by {@link #close()}.
 * <p>
 * The node is shared: this never stops or restarts it. {@link #ensure()} enables the plugin only if no MQTT listener
 * runs yet, with its TCP listener on a free port chosen here (set into the application's environment before the
 * plugin starts, as RabbitMQ's default 1883 is Mosquitto's on this machine). Another process may do the same at the
 * same moment, so the port is always read back from the node's active listeners, never assumed.
 * <p>
 * RabbitMQ 3.10 maps MQTT topic levels to AMQP routing-key words on the {@code amq.topic} exchange ({@code a/b} is
 * {@code a.b}); topic permissions are regular expressions over those routing keys. A SUBSCRIBE the read permission
 * refuses is answered by closing the connection, not with a SUBACK failure code.
 *
 * <pre>{@code
 * try (RabbitMqMqtt rabbit = RabbitMqMqtt.ensure()) {
 *     RabbitMqMqtt.User user = rabbit.addUser("^interop\\..*", "^interop\\..*");
 *     connect(rabbit.tcpUrl(), user.name(), user.password());
 * }
 * }</pre>
 */
public final class RabbitMqMqtt implements AutoCloseable {

    static final String INSTALL_HINT = "RabbitMQ must run on this machine (apt-get install -y rabbitmq-server; "
            + "rabbitmq-server -detached); .ci/run starts it";
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ENABLE_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration LISTENER_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final Pattern BINARY = Pattern.compile("<<\"(.*)\">>");

    private final Path rabbitmqctl;
    private final int port;
    private final String vhost;
    private final String exchange;
    private final String version;
    private final List<String> createdUsers = new ArrayList<>();

    private RabbitMqMqtt(Path rabbitmqctl, int port, String vhost, String exchange, String version) {
        this.rabbitmqctl = rabbitmqctl;
        this.port = port;
        this.vhost = vhost;
        this.exchange = exchange;
        this.version = version;
    }

    /** A user created by {@link #addUser}. */
    public record User(String name, String password) {
        @Override
        public String toString() {
            return "User[" + name + "]"; // never the password
        }
    }

    /**
     * Checks that the node answers, enables {@code rabbitmq_mqtt} with a listener on a free port if the node has no
     * MQTT listener yet, and returns the plugin as it runs (its actual port, virtual host and exchange).
     */
    public static RabbitMqMqtt ensure() {
        Path ctl = ExecutableLocator.find("rabbitmqctl", Path.of("/usr/sbin/rabbitmqctl"))
                .orElseThrow(() -> new IllegalStateException("'rabbitmqctl' not found; " + INSTALL_HINT));
        // one eval for everything: each rabbitmqctl call starts an Erlang VM (1.5 s, 5 s on a busy machine)
        CommandRunner.Result state = ctl(ctl).args("eval", STATE).tryRun(CTL_TIMEOUT);
        if (state.exitCode() != 0 || !state.output().strip().startsWith("{")) {
            throw new IllegalStateException("The RabbitMQ node does not answer rabbitmqctl (exit " + state.exitCode()
                    + "): " + state.output().strip() + "; " + INSTALL_HINT);
        }
        PluginState plugin = PluginState.parse(state.output());
        if (plugin.ports().isEmpty()) {
            if (!plugin.running()) {
                enablePlugin(ctl);
            }
            plugin = awaitListener(ctl);
        }
        return new RabbitMqMqtt(ctl, plugin.ports().get(0), plugin.vhost(), plugin.exchange(), plugin.version());
    }

    /**
     * This node's plain MQTT listener ports, whether the plugin runs, its vhost and exchange settings and the
     * RabbitMQ version, e.g. {@code {[1883],true,{ok,<<"/">>},undefined,"3.10.8"}}.
     */
    private static final String STATE = "{[P || {listener, N, mqtt, _, _, P, _} <- rabbit_networking:active_listeners(), "
            + "N =:= node()], lists:keymember(rabbitmq_mqtt, 1, application:which_applications()), "
            + "application:get_env(rabbitmq_mqtt, vhost), application:get_env(rabbitmq_mqtt, exchange), "
            + "rabbit_misc:version()}.";

    private record PluginState(List<Integer> ports, boolean running, String vhost, String exchange, String version) {
        private static final Pattern SHAPE = Pattern.compile(
                "\\{\\[([0-9,\\s]*)\\],\\s*(true|false),\\s*(\\{ok,<<\"[^\"]*\">>\\}|[a-z]+),\\s*"
                        + "(\\{ok,<<\"[^\"]*\">>\\}|[a-z]+),\\s*\"([^\"]*)\"\\}");

        static PluginState parse(String output) {
            String flat = output.replaceAll("\\s+", " ").strip();
            Matcher m = SHAPE.matcher(flat);
            if (!m.find()) {
                throw new IllegalStateException("Unexpected answer of RabbitMQ to " + STATE + ": " + flat);
            }
            List<Integer> ports = new ArrayList<>();
            Matcher number = NUMBER.matcher(m.group(1));
            while (number.find()) {
                ports.add(Integer.parseInt(number.group()));
            }
            return new PluginState(ports, m.group(2).equals("true"), binary(m.group(3), "/"),
                    binary(m.group(4), "amq.topic"), m.group(5));
        }

        private static String binary(String setting, String fallback) {
            Matcher m = BINARY.matcher(setting);
            return m.find() ? m.group(1) : fallback;
        }
    }

    public int port() {
        return port;
    }

    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The RabbitMQ version, e.g. "3.10.8". */
    public String version() {
        return version;
    }

    /** The virtual host MQTT connections use (the plugin's {@code vhost} setting). */
    public String vhost() {
        return vhost;
    }

    /**
     * Creates a user with a random name and password, full configure/write/read permissions on the MQTT virtual
     * host, and topic permissions on the MQTT exchange: {@code writeRegex} for publishing and {@code readRegex} for
     * subscribing, both over routing keys ({@code interop/x} is {@code interop.x}).
     */
    public User addUser(String writeRegex, String readRegex) {
        String name = "camel-mqtt-bridge-test-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        // rabbitmqctl add_user + set_permissions + set_topic_permissions in one VM start; the CLI if the internal
        // API of this RabbitMQ version differs
        String eval = "Acting = <<\"camel-mqtt-bridge-test\">>, "
                + "ok = rabbit_auth_backend_internal:add_user(" + erlangBinary(name) + ", " + erlangBinary(password)
                + ", Acting), ok = rabbit_auth_backend_internal:set_permissions(" + erlangBinary(name) + ", "
                + erlangBinary(vhost) + ", <<\".*\">>, <<\".*\">>, <<\".*\">>, Acting), "
                + "ok = rabbit_auth_backend_internal:set_topic_permissions(" + erlangBinary(name) + ", "
                + erlangBinary(vhost) + ", " + erlangBinary(exchange) + ", " + erlangBinary(writeRegex) + ", "
                + erlangBinary(readRegex) + ", Acting), done.";
        CommandRunner.Result result = ctl(rabbitmqctl).arg("eval").secret(eval, "<add user " + name + ">")
                .tryRun(CTL_TIMEOUT);
        createdUsers.add(name);
        if (result.exitCode() != 0 || !result.output().contains("done")) {
            ctl(rabbitmqctl).args("delete_user", name).tryRun(CTL_TIMEOUT);
            ctl(rabbitmqctl).args("add_user", name).secret(password).run(CTL_TIMEOUT);
            ctl(rabbitmqctl).args("set_permissions", "-p", vhost, name, ".*", ".*", ".*").run(CTL_TIMEOUT);
            ctl(rabbitmqctl).args("set_topic_permissions", "-p", vhost, name, exchange, writeRegex, readRegex)
                    .run(CTL_TIMEOUT);
        }
        return new User(name, password);
    }

    private static String erlangBinary(String value) {
        return "<<\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"/utf8>>";
    }

    /** Deletes the users this instance created; the plugin keeps running for others. */
    @Override
    public void close() {
        for (String name : createdUsers) {
            ctl(rabbitmqctl).args("delete_user", name).tryRun(CTL_TIMEOUT);
        }
        createdUsers.clear();
    }

    private static CommandRunner ctl(Path rabbitmqctl) {
        return CommandRunner.of(rabbitmqctl.toString()).arg("-q");
    }

    /** The listener first (the plugin binds 1883 otherwise, Mosquitto's port here), then the plugin. */
    private static void enablePlugin(Path ctl) {
        int port = FreePorts.find();
        ctl(ctl).args("eval", "application:load(rabbitmq_mqtt), application:set_env(rabbitmq_mqtt, tcp_listeners, "
                + "[{\"127.0.0.1\", " + port + "}]).").run(CTL_TIMEOUT);
        Path plugins = ExecutableLocator.find("rabbitmq-plugins", Path.of("/usr/sbin/rabbitmq-plugins"))
                .orElseThrow(() -> new IllegalStateException("'rabbitmq-plugins' not found; " + INSTALL_HINT));
        CommandRunner.Result enabled = CommandRunner.of(plugins.toString()).args("enable", "rabbitmq_mqtt")
                .tryRun(ENABLE_TIMEOUT);
        if (enabled.exitCode() != 0 && !PluginState.parse(ctl(ctl).args("eval", STATE).run(CTL_TIMEOUT)).running()) {
            throw new IllegalStateException("Could not enable rabbitmq_mqtt (exit " + enabled.exitCode() + "): "
                    + enabled.output().strip());
        }
    }

    private static PluginState awaitListener(Path ctl) {
        long deadline = System.nanoTime() + LISTENER_TIMEOUT.toNanos();
        while (true) {
            PluginState state = PluginState.parse(ctl(ctl).args("eval", STATE).run(CTL_TIMEOUT));
            if (!state.ports().isEmpty()) {
                return state;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("rabbitmq_mqtt runs but the node has no plain MQTT listener after "
                        + LISTENER_TIMEOUT.toSeconds() + " s (was it enabled with tcp_listeners = []?). "
                        + "Enable one: rabbitmqctl eval 'application:set_env(rabbitmq_mqtt, tcp_listeners, "
                        + "[{\"127.0.0.1\",<port>}]).' before rabbitmq-plugins enable rabbitmq_mqtt");
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the MQTT listener of RabbitMQ", e);
            }
        }
    }
}
