package io.github.camelmqttbridge.mqtt.client;

import io.github.camelmqttbridge.mqtt.message.ConnectResult;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageListener;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Shared bits of the integration tests: unique names, option defaults, a recording listener. */
final class ItSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(15);
    static final String SHARED_MOSQUITTO = "tcp://127.0.0.1:1883";

    private ItSupport() {
    }

    /** A topic prefix nobody else on the shared broker uses. */
    static String uniqueTopic(String what) {
        return "it/" + UUID.randomUUID() + "/" + what;
    }

    static String uniqueClientId(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** Defaults for tests: short reconnect back-off, a keep-alive that never interferes. */
    static MqttClientOptions.Builder options(String serverUris, MqttVersion version) {
        return MqttClientOptions.builder().serverUris(serverUris).version(version).clientId(uniqueClientId("it"))
                .keepAliveSeconds(30).connectTimeout(Duration.ofSeconds(10))
                .minReconnectDelay(Duration.ofMillis(100)).maxReconnectDelay(Duration.ofSeconds(1));
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
            throw new AssertionError("No result within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The failure of a future that must fail. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("Future neither completed nor failed within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new AssertionError("Expected the future to fail, but it completed");
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(InboundMessage m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    /** Records messages; acknowledges them at once when {@code autoAck}. */
    static final class Recorder implements MessageListener {
        final List<InboundMessage> messages = new CopyOnWriteArrayList<>();
        private final boolean ack;

        Recorder(boolean ack) {
            this.ack = ack;
        }

        @Override
        public void onMessage(InboundMessage message) {
            messages.add(message);
            if (ack) {
                message.acknowledge();
            }
        }

        List<String> texts() {
            return messages.stream().map(ItSupport::text).toList();
        }

        long count(Predicate<InboundMessage> p) {
            return messages.stream().filter(p).count();
        }
    }

    /** Records connection events as short strings, e.g. "connected reconnect=true", "lost: ...". */
    static final class Events implements ConnectionListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void connected(ConnectResult result, boolean reconnect) {
            events.add("connected reconnect=" + reconnect);
        }

        @Override
        public void connectionLost(Throwable cause) {
            events.add("lost: " + cause.getMessage());
        }

        boolean has(String prefix) {
            return events.stream().anyMatch(e -> e.startsWith(prefix));
        }

        int indexOf(String prefix) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).startsWith(prefix)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
