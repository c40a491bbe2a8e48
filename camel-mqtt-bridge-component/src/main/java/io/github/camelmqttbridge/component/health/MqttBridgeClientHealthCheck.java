package io.github.camelmqttbridge.component.health;

import io.github.camelmqttbridge.mqtt.client.ConnectionState;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Health of one mqtt-bridge consumer or producer: UP while its client is connected (and, for a consumer, its
 * subscriptions stand: granted at start, kept by the broker's session or granted again after a reconnect); DOWN
 * while connecting or reconnecting, with the last error, while a re-subscription waits for its SUBACK, or when a
 * problem was reported (e.g. a re-subscription the broker refused after it lost the session).
 *
 * <p>A readiness check only: a broker that is down makes the bridge not ready, but restarting the JVM would not
 * help, so liveness does not include it.
 */
public class MqttBridgeClientHealthCheck extends AbstractHealthCheck {

    private final Supplier<MqttClient> client;
    private final Supplier<String> problem;
    private final BooleanSupplier subscribed;

    public MqttBridgeClientHealthCheck(String id, Supplier<MqttClient> client, Supplier<String> problem) {
        this(id, client, problem, () -> true);
    }

    /**
     * @param subscribed for a consumer: every topic filter is subscribed on the current connection
     */
    public MqttBridgeClientHealthCheck(String id, Supplier<MqttClient> client, Supplier<String> problem,
            BooleanSupplier subscribed) {
        super("camel", id);
        this.client = client;
        this.problem = problem;
        this.subscribed = subscribed;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        MqttClient c = client.get();
        if (c == null) {
            builder.down().message("MQTT client not started");
            return;
        }
        builder.detail("mqtt.client.id", c.clientId());
        builder.detail("mqtt.state", c.state().name());
        builder.detail("mqtt.reconnects", c.metrics().reconnects());
        builder.detail("mqtt.inflight.inbound", c.metrics().inboundInflight());
        builder.detail("mqtt.inflight.outbound", c.metrics().outboundInflight());
        if (c.connectResult() != null) {
            builder.detail("mqtt.server", c.connectResult().serverUri());
        }
        String reported = problem.get();
        Throwable last = c.lastError();
        boolean connected = c.state() == ConnectionState.CONNECTED;
        if (reported != null) {
            // A reported problem (e.g. a refused re-subscription) outlives reconnects: say it whatever the state.
            builder.detail("mqtt.problem", reported);
            builder.down().message(reported + (connected ? "" : " (and the client " + c.clientId() + " is " + c.state()
                    + (last != null ? ": " + last.getMessage() : "") + ")"));
            if (!connected && last != null) {
                builder.error(last);
            }
        } else if (!connected) {
            builder.down().message("MQTT client " + c.clientId() + " is " + c.state()
                    + (last != null ? ": " + last.getMessage() : ""));
            if (last != null) {
                builder.error(last);
            }
        } else if (!subscribed.getAsBoolean()) {
            builder.detail("mqtt.subscribed", false);
            builder.down().message("MQTT client " + c.clientId() + " is connected; its subscriptions wait for the broker's"
                    + " SUBACK");
        } else {
            builder.up();
        }
    }
}
