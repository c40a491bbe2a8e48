package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides, from what ended a connection or attempt, how long to wait before the next attempt and where it goes.
 * <ul>
 * <li>The back-off grows while connections keep ending early and starts from the minimum again only after a
 * connection has stayed up for {@link #STABLE_CONNECTION_MILLIS} and at least the longest delay (a CONNACK alone
 * proves nothing: a broker that accepts and then drops us at once would otherwise be stormed at the minimum delay;
 * and two instances with one client id, on a broker that closes the one taken over without saying so, each stay up
 * about as long as the other waits, so a shorter threshold would start them over again and again).</li>
 * <li>What the broker said sets a floor: bad credentials, a refused configuration and a session taken over by
 * another client with our client id wait the longest delay; "server busy", "quota exceeded" and the rate limits
 * wait at least a quarter of it; "use another server" / "server moved" go to the Server Reference.</li>
 * <li>The same failure is logged at WARN at most once per {@link #LOG_INTERVAL_MILLIS}; the client logs the rest at
 * DEBUG and says how many it held back.</li>
 * </ul>
 * Confined to the client's event loop; unit-testable with a clock of its own.
 */
public final class ReconnectPolicy {

    /**
     * A connection that lasted this long, and at least maxReconnectDelay, counts as a fresh start: the next back-off
     * starts from the minimum.
     */
    public static final long STABLE_CONNECTION_MILLIS = 10_000;
    /** The same failure (reason and message) is logged at WARN at most this often. */
    public static final long LOG_INTERVAL_MILLIS = 60_000;

    /** What ended the connection, as far as the next attempt is concerned. */
    public enum Reason {
        /** Network trouble, a broker that went away or closed on us, a protocol error: back off, growing. */
        TRANSIENT(""),
        /** Server busy, quota exceeded, message or connection rate exceeded: the broker asked us to slow down. */
        BROKER_BUSY("the broker asked us to slow down"),
        /** Bad user name or password, not authorized, banned, bad authentication method. */
        NOT_AUTHORIZED("check the user name, password and the broker's access rules; retrying at the longest delay"),
        /** The broker refuses our settings (protocol version, client id, packet size, will, QoS, retain). */
        CONFIGURATION("the broker refuses our settings; retrying at the longest delay"),
        /** Another client connected with our client id and took the session over. */
        SESSION_TAKEN_OVER("two instances sharing one client id take the session from each other: waiting the longest"
                + " delay before taking it back"),
        /** Use another server (0x9C) / server moved (0x9D). */
        USE_ANOTHER_SERVER("");

        private final String advice;

        Reason(String advice) {
            this.advice = advice;
        }

        /** What the user should know besides the error itself; empty when the error says it all. */
        public String advice() {
            return advice;
        }
    }

    /**
     * @param reason     how the cause was read
     * @param delayMillis wait this long before the next attempt
     * @param server     the server the next attempt goes to instead of the configured ones, or null
     * @param warn       log this one at WARN (false: DEBUG, a line like it was logged less than a minute ago)
     * @param heldBack   how many like it were logged at DEBUG since the last WARN line
     */
    public record Decision(Reason reason, long delayMillis, URI server, boolean warn, int heldBack) {
    }

    private record LogWindow(long since, int heldBack) {
    }

    private final ReconnectBackoff backoff;
    private final long stableMillis;
    private final boolean followServerReference;
    private final LongSupplier clockMillis;
    private final Map<String, LogWindow> logged = new HashMap<>();
    /** Ends of short-lived connections and failed attempts since the last stable connection. */
    private int failures;
    private long connectedAt = -1;

    public ReconnectPolicy(ReconnectBackoff backoff, boolean followServerReference) {
        this(backoff, Math.max(STABLE_CONNECTION_MILLIS, backoff.maxMillis()), followServerReference,
                () -> System.nanoTime() / 1_000_000);
    }

    /** {@code clockMillis} is a monotonic clock (tests pass their own). */
    public ReconnectPolicy(ReconnectBackoff backoff, long stableMillis, boolean followServerReference, LongSupplier clockMillis) {
        this.backoff = backoff;
        this.stableMillis = stableMillis;
        this.followServerReference = followServerReference;
        this.clockMillis = clockMillis;
    }

    /** A CONNACK accepted us: the connection's age counts from now. */
    public void connected() {
        connectedAt = clockMillis.getAsLong();
    }

    /** An accepted connection to {@code server} ended because of {@code cause}. */
    public Decision connectionLost(Throwable cause, URI server) {
        long now = clockMillis.getAsLong();
        if (connectedAt >= 0 && now - connectedAt >= stableMillis) {
            failures = 0;
        }
        connectedAt = -1;
        return decide(cause, server, now);
    }

    /** An attempt to {@code server} failed before a CONNACK accepted it. */
    public Decision attemptFailed(Throwable cause, URI server) {
        return decide(cause, server, clockMillis.getAsLong());
    }

    /** How long a connection must stay up to count as stable. */
    public long stableMillis() {
        return stableMillis;
    }

    /** Failures counted since the last stable connection (for tests and diagnostics). */
    public int failures() {
        return failures;
    }

    private Decision decide(Throwable cause, URI server, long now) {
        Reason reason = classify(cause);
        int n = failures;
        failures = Math.min(failures + 1, 64);
        long ceiling = switch (reason) {
            case TRANSIENT, USE_ANOTHER_SERVER -> backoff.ceilingMillis(n);
            case BROKER_BUSY -> Math.max(backoff.ceilingMillis(n), backoff.maxMillis() / 4);
            case NOT_AUTHORIZED, CONFIGURATION, SESSION_TAKEN_OVER -> backoff.maxMillis();
        };
        URI next = reason == Reason.USE_ANOTHER_SERVER && followServerReference
                ? ServerReference.resolve(serverReference(cause), server) : null;
        String key = reason + ":" + cause.getMessage();
        LogWindow window = logged.get(key);
        boolean warn = window == null || now - window.since() >= LOG_INTERVAL_MILLIS;
        int heldBack = window == null ? 0 : window.heldBack();
        if (warn) {
            logged.put(key, new LogWindow(now, 0));
            if (logged.size() > 64) {
                // bounded: forget windows that are over
                logged.values().removeIf(w -> now - w.since() >= LOG_INTERVAL_MILLIS);
            }
        } else {
            logged.put(key, new LogWindow(window.since(), heldBack + 1));
        }
        return new Decision(reason, backoff.jittered(ceiling), next, warn, warn ? heldBack : 0);
    }

    /** How a failure is read; anything not named here is {@link Reason#TRANSIENT}. */
    public static Reason classify(Throwable cause) {
        if (cause instanceof MqttConnectionRefusedException refused) {
            return switch (refused.code()) {
                // MQTT 3.1.1 return codes (1..5); MQTT 5 reason codes are 0x80 and above
                case 4, 5, 0x86, 0x87, 0x8A, 0x8C -> Reason.NOT_AUTHORIZED;
                case 1, 2, 0x81, 0x82, 0x84, 0x85, 0x90, 0x95, 0x99, 0x9A, 0x9B -> Reason.CONFIGURATION;
                case 0x89, 0x97, 0x9F -> Reason.BROKER_BUSY;
                case 0x9C, 0x9D -> Reason.USE_ANOTHER_SERVER;
                default -> Reason.TRANSIENT; // 3 / 0x88 server unavailable, 0x80, 0x83
            };
        }
        if (cause instanceof MqttServerDisconnectException disconnect) {
            return switch (disconnect.reasonCode()) {
                case 0x8E -> Reason.SESSION_TAKEN_OVER;
                case 0x87, 0x8C -> Reason.NOT_AUTHORIZED;
                case 0x89, 0x96, 0x97, 0x9F -> Reason.BROKER_BUSY;
                case 0x9C, 0x9D -> Reason.USE_ANOTHER_SERVER;
                default -> Reason.TRANSIENT;
            };
        }
        return Reason.TRANSIENT;
    }

    private static String serverReference(Throwable cause) {
        if (cause instanceof MqttConnectionRefusedException refused) {
            return refused.serverReference();
        }
        if (cause instanceof MqttServerDisconnectException disconnect) {
            return disconnect.serverReference();
        }
        return null;
    }
}
