package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Options and waiting for the scenarios' clients. */
final class Clients {

    /** How long an answer of the broker may take: generous, the machine is shared. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Clients() {
    }

    static String uniqueClientId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static String uniqueTopic(String what) {
        return "interop/" + UUID.randomUUID() + "/" + what;
    }

    /**
     * Our client as the broker's user, with the engine's defaults for everything the scenarios do not test
     * (reconnect back-off 100 ms to 30 s, receive maximum 100) and a connect timeout of 10 s.
     */
    static MqttClientOptions.Builder options(InteropBroker broker, String url, MqttVersion version) {
        return MqttClientOptions.builder().serverUri(url).version(version).clientId(uniqueClientId("interop"))
                .userName(broker.userName()).password(broker.password().getBytes(StandardCharsets.UTF_8))
                .keepAliveSeconds(30).connectTimeout(Duration.ofSeconds(10));
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("No answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The failure of a future that must fail within {@code within}. */
    static Throwable failure(CompletableFuture<?> future, Duration within) {
        try {
            future.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("Neither failed nor completed within " + within.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new AssertionError("Expected a failure, but it completed");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
