package io.github.camelmqttbridge.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.ReconnectPolicy.Decision;
import io.github.camelmqttbridge.mqtt.client.ReconnectPolicy.Reason;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionClosedByBrokerException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.error.MqttServerDisconnectException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static final URI SERVER = URI.create("tcp://broker-a:1883");
    private final AtomicLong clock = new AtomicLong(1_000_000);
    /** min 100 ms, max 30 s, stable after 10 s, as the client's defaults. */
    private final ReconnectPolicy policy = new ReconnectPolicy(new ReconnectBackoff(100, 30_000), 10_000, true, clock::get);

    private static final MqttConnectionClosedByBrokerException CLOSED =
            new MqttConnectionClosedByBrokerException("Broker tcp://broker-a:1883 closed the connection");

    private static MqttServerDisconnectException disconnect(int code) {
        return new MqttServerDisconnectException(SERVER.toString(), code, "code " + code, null);
    }

    private static MqttConnectionRefusedException refused(int code) {
        return new MqttConnectionRefusedException(SERVER.toString(), code, "code " + code);
    }

    /** A connection accepted now that lives {@code millis} and then ends with {@code cause}. */
    private Decision connectionOf(long millis, Throwable cause) {
        policy.connected();
        clock.addAndGet(millis);
        return policy.connectionLost(cause, SERVER);
    }

    @Test
    void connectionsThatEndAtOnceKeepTheBackOffGrowingDespiteTheirConnack() {
        // RabbitMQ answering QoS 2 with PUBACK closed each connection within milliseconds: 3,138 reconnects, all at the
        // minimum delay, because the delay restarted with every CONNACK.
        long previousCeiling = 0;
        for (int i = 0; i < 12; i++) {
            Decision d = connectionOf(5, CLOSED);
            long ceiling = Math.min(30_000, 100L << i);
            assertThat(d.delayMillis()).as("end %d", i).isBetween(Math.max(100, ceiling / 2), ceiling);
            assertThat(ceiling).isGreaterThanOrEqualTo(previousCeiling);
            previousCeiling = ceiling;
            assertThat(d.reason()).isEqualTo(Reason.TRANSIENT);
        }
        assertThat(connectionOf(5, CLOSED).delayMillis()).isBetween(15_000L, 30_000L);
    }

    @Test
    void aConnectionThatStayedUpStartsTheBackOffAgain() {
        for (int i = 0; i < 8; i++) {
            connectionOf(5, CLOSED);
        }
        assertThat(connectionOf(9_999, CLOSED).delayMillis()).as("not up long enough").isGreaterThanOrEqualTo(12_800);
        assertThat(connectionOf(10_000, CLOSED).delayMillis()).as("stable: from the minimum").isEqualTo(100);
        assertThat(connectionOf(5, CLOSED).delayMillis()).isBetween(100L, 200L);
    }

    @Test
    void failedAttemptsGrowTheBackOffToo() {
        for (int i = 0; i < 5; i++) {
            policy.attemptFailed(new MqttConnectionLostException("Cannot connect"), SERVER);
        }
        assertThat(policy.attemptFailed(new MqttConnectionLostException("Cannot connect"), SERVER).delayMillis())
                .isBetween(1_600L, 3_200L);
    }

    @Test
    void aSessionTakenOverWaitsTheLongestDelayEveryTime() {
        for (int i = 0; i < 5; i++) {
            Decision d = connectionOf(20_000, disconnect(0x8E));
            assertThat(d.reason()).isEqualTo(Reason.SESSION_TAKEN_OVER);
            assertThat(d.delayMillis()).isBetween(15_000L, 30_000L);
        }
        assertThat(Reason.SESSION_TAKEN_OVER.advice()).contains("one client id");
    }

    @Test
    void badCredentialsWaitTheLongestDelayInBothProtocolVersions() {
        for (int code : new int[] {4, 5, 0x86, 0x87, 0x8A, 0x8C}) {
            Decision d = policy.attemptFailed(refused(code), SERVER);
            assertThat(d.reason()).as("code %d", code).isEqualTo(Reason.NOT_AUTHORIZED);
            assertThat(d.delayMillis()).isBetween(15_000L, 30_000L);
        }
        assertThat(ReconnectPolicy.classify(disconnect(0x87))).isEqualTo(Reason.NOT_AUTHORIZED);
    }

    @Test
    void busyQuotaAndRateLimitsWaitAtLeastAQuarterOfTheLongestDelay() {
        for (int code : new int[] {0x89, 0x97, 0x9F}) {
            Decision d = policy.attemptFailed(refused(code), SERVER);
            assertThat(d.reason()).isEqualTo(Reason.BROKER_BUSY);
            assertThat(d.delayMillis()).isBetween(3_750L, 30_000L);
        }
        for (int code : new int[] {0x89, 0x96, 0x97, 0x9F}) {
            assertThat(ReconnectPolicy.classify(disconnect(code))).isEqualTo(Reason.BROKER_BUSY);
        }
    }

    @Test
    void refusedSettingsWaitTheLongestDelayWhileAnUnavailableServerIsTransient() {
        for (int code : new int[] {1, 2, 0x84, 0x85, 0x95, 0x9A, 0x9B}) {
            assertThat(ReconnectPolicy.classify(refused(code))).as("code %d", code).isEqualTo(Reason.CONFIGURATION);
        }
        for (int code : new int[] {3, 0x80, 0x88}) {
            assertThat(ReconnectPolicy.classify(refused(code))).as("code %d", code).isEqualTo(Reason.TRANSIENT);
        }
        assertThat(ReconnectPolicy.classify(disconnect(0x8B))).isEqualTo(Reason.TRANSIENT);
        assertThat(ReconnectPolicy.classify(new MqttProtocolException(0x82, "x"))).isEqualTo(Reason.TRANSIENT);
    }

    @Test
    void useAnotherServerGoesToTheServerReference() {
        Decision refusedTo = policy.attemptFailed(new MqttConnectionRefusedException(SERVER.toString(), 0x9C, "use another server",
                "broker-b:1884 broker-c"), SERVER);
        assertThat(refusedTo.reason()).isEqualTo(Reason.USE_ANOTHER_SERVER);
        assertThat(refusedTo.server()).isEqualTo(URI.create("tcp://broker-b:1884"));
        Decision moved = connectionOf(20_000, new MqttServerDisconnectException(SERVER.toString(), 0x9D, "server moved", null,
                "[fe80::1]"));
        assertThat(moved.server()).isEqualTo(URI.create("tcp://[fe80::1]"));
        assertThat(moved.delayMillis()).isEqualTo(100);
        assertThat(connectionOf(20_000, disconnect(0x9C)).server()).as("no reference").isNull();
        ReconnectPolicy notFollowing = new ReconnectPolicy(new ReconnectBackoff(100, 30_000), 10_000, false, clock::get);
        assertThat(notFollowing.attemptFailed(new MqttConnectionRefusedException(SERVER.toString(), 0x9C, "use another server",
                "broker-b:1884"), SERVER).server()).isNull();
    }

    @Test
    void theSameFailureIsLoggedAtWarnOnceAMinute() {
        Decision first = connectionOf(20_000, disconnect(0x8E));
        assertThat(first.warn()).isTrue();
        for (int i = 0; i < 23; i++) {
            clock.addAndGet(2_000);
            assertThat(connectionOf(100, disconnect(0x8E)).warn()).isFalse();
        }
        assertThat(connectionOf(100, CLOSED).warn()).as("another failure is logged").isTrue();
        clock.addAndGet(20_000);
        Decision later = connectionOf(100, disconnect(0x8E));
        assertThat(later.warn()).isTrue();
        assertThat(later.heldBack()).isEqualTo(23);
        assertThat(connectionOf(100, disconnect(0x8E)).warn()).isFalse();
    }

    @Test
    void twoInstancesWithOneClientIdOnABrokerThatJustClosesSettleAtTheLongestDelay() {
        // Mosquitto 2.0.11 closes the connection it takes over without DISCONNECT 0x8E: to the client that is a plain
        // close. Each instance's connection lives until the other one comes back. Simulated with the defaults:
        // 100 ms .. 30 s; the connection becomes stable only after 30 s, longer than anyone waits.
        AtomicLong now = new AtomicLong(0);
        ReconnectPolicy a = new ReconnectPolicy(new ReconnectBackoff(100, 30_000), 30_000, true, now::get);
        ReconnectPolicy b = new ReconnectPolicy(new ReconnectBackoff(100, 30_000), 30_000, true, now::get);
        ReconnectPolicy holder = a;
        ReconnectPolicy waiting = b;
        holder.connected();
        long waitingUntil = 0;
        int takeOversInTheFirstFiveMinutes = 0;
        int takeOversInTheLastHour = 0;
        while (now.get() < 2 * 3_600_000L) {
            now.set(waitingUntil);
            // the waiting one connects and takes the session: the holder's connection ends
            waiting.connected();
            Decision d = holder.connectionLost(CLOSED, SERVER);
            if (now.get() < 300_000L) {
                takeOversInTheFirstFiveMinutes++;
            }
            if (now.get() >= 3_600_000L) {
                takeOversInTheLastHour++;
            }
            waitingUntil = now.get() + d.delayMillis();
            ReconnectPolicy t = holder;
            holder = waiting;
            waiting = t;
        }
        System.out.println("ReconnectPolicyTest: " + takeOversInTheFirstFiveMinutes + " take-overs in the first 5 minutes, "
                + takeOversInTheLastHour + " in the second hour");
        // at most one per 15 s once settled, and the ramp up to it is short (before: 24 in 5 s, forever)
        assertThat(takeOversInTheLastHour).isLessThanOrEqualTo(240);
        assertThat(takeOversInTheFirstFiveMinutes).isLessThanOrEqualTo(45);
    }
}
