package io.github.camelmqttbridge.mqtt.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.message.Will;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.topic.InvalidTopicException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a user can get wrong through the engine's public API: each a clear IllegalArgumentException naming the value. */
class InvalidUserInputTest {

    private static MqttClient client;

    @BeforeAll
    static void client() {
        // never connected: validation must happen before anything goes to the network
        client = new MqttClient(options().build());
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static MqttClientOptions.Builder options() {
        return MqttClientOptions.builder().serverUri("tcp://127.0.0.1:1").clientId("invalid-input");
    }

    interface Action {
        Object run() throws Exception;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // topics to publish to
                bad("publish to a '+' topic", InvalidTopicException.class, "'a/+/b'", () -> publish("a/+/b")),
                bad("publish to a '#' topic", InvalidTopicException.class, "'a/#'", () -> publish("a/#")),
                bad("publish to an empty topic", InvalidTopicException.class, "must not be empty", () -> publish("")),
                bad("publish to a topic with U+0000", InvalidTopicException.class, "U+0000", () -> publish("a\u0000b")),
                bad("publish to a topic with a lone surrogate", InvalidTopicException.class, "surrogate",
                        () -> publish("a\uD800b")),
                bad("publish to a topic over 65535 bytes", InvalidTopicException.class, "65535",
                        () -> publish("x".repeat(65_536))),
                // topic filters
                bad("'#' not last", InvalidTopicException.class, "'a/#/b'", () -> subscribe("a/#/b")),
                bad("'#' inside a level", InvalidTopicException.class, "'a/b#'", () -> subscribe("a/b#")),
                bad("'+' inside a level", InvalidTopicException.class, "'a/+x'", () -> subscribe("a/+x")),
                bad("empty filter", InvalidTopicException.class, "must not be empty", () -> subscribe("")),
                bad("shared subscription without group", InvalidTopicException.class, "'$share//a'",
                        () -> subscribe("$share//a")),
                bad("shared subscription without filter", InvalidTopicException.class, "'$share/g'",
                        () -> subscribe("$share/g")),
                bad("unsubscribe from an invalid filter", InvalidTopicException.class, "'a/#/b'",
                        () -> client.unsubscribe(List.of("a/#/b"))),
                // QoS
                bad("subscription QoS 3", IllegalArgumentException.class, "was 3", () -> Subscription.of("a", 3)),
                bad("subscription QoS -1", IllegalArgumentException.class, "was -1", () -> Subscription.of("a", -1)),
                bad("publish QoS 3", IllegalArgumentException.class, "was 3",
                        () -> OutboundMessage.of("a", new byte[0], 3)),
                bad("will QoS 3", IllegalArgumentException.class, "was 3", () -> Will.of("w", new byte[0], 3, false)),
                bad("will topic with a wildcard", InvalidTopicException.class, "'w/#'",
                        () -> options().will(Will.of("w/#", new byte[0], 1, false)).build()),
                // option values
                bad("keepAlive -1", IllegalArgumentException.class, "was -1", () -> options().keepAliveSeconds(-1)),
                bad("keepAlive 65536", IllegalArgumentException.class, "was 65536", () -> options().keepAliveSeconds(65_536)),
                bad("receiveMaximum 0", IllegalArgumentException.class, "was 0", () -> options().receiveMaximum(0)),
                bad("receiveMaximum 65536", IllegalArgumentException.class, "was 65536", () -> options().receiveMaximum(65_536)),
                bad("maxInflight 0", IllegalArgumentException.class, "was 0", () -> options().maxInflight(0)),
                bad("maximumPacketSize 15", IllegalArgumentException.class, "was 15", () -> options().maximumPacketSize(15)),
                bad("topicAliasMaximum -1", IllegalArgumentException.class, "was -1", () -> options().topicAliasMaximum(-1)),
                bad("sessionExpiryInterval -5", IllegalArgumentException.class, "was -5",
                        () -> options().sessionExpiryInterval(-5)),
                bad("maxPendingPublishes -1", IllegalArgumentException.class, "was -1", () -> options().maxPendingPublishes(-1)),
                bad("connectTimeout negative", IllegalArgumentException.class, "PT-1S",
                        () -> options().connectTimeout(Duration.ofSeconds(-1))),
                bad("connectTimeout zero", IllegalArgumentException.class, "PT0S", () -> options().connectTimeout(Duration.ZERO)),
                bad("minReconnectDelay negative", IllegalArgumentException.class, "PT-0.1S",
                        () -> options().minReconnectDelay(Duration.ofMillis(-100))),
                bad("maxReconnectDelay zero", IllegalArgumentException.class, "PT0S",
                        () -> options().maxReconnectDelay(Duration.ZERO)),
                bad("minReconnectDelay above max", IllegalArgumentException.class, "PT1M",
                        () -> options().minReconnectDelay(Duration.ofMinutes(1)).maxReconnectDelay(Duration.ofSeconds(1)).build()),
                // broker URLs
                bad("broker URL without scheme", IllegalArgumentException.class, "'localhost:1883'",
                        () -> MqttClientOptions.builder().serverUri("localhost:1883")),
                bad("broker URL with host only", IllegalArgumentException.class, "'broker.example'",
                        () -> MqttClientOptions.builder().serverUri("broker.example")),
                bad("broker URL with an unknown scheme", IllegalArgumentException.class, "'http://x:1883'",
                        () -> MqttClientOptions.builder().serverUri("http://x:1883")),
                bad("broker URL without host", IllegalArgumentException.class, "'tcp://:1883'",
                        () -> MqttClientOptions.builder().serverUri("tcp://:1883")),
                bad("broker URL that is not a URI", IllegalArgumentException.class, "'tcp://bad host:1883'",
                        () -> MqttClientOptions.builder().serverUri("tcp://bad host:1883")),
                bad("no broker URL", IllegalArgumentException.class, "server URI", () -> MqttClientOptions.builder().build()));
    }

    private static Arguments bad(String name, Class<? extends Throwable> type, String named, Action action) {
        return Arguments.of(name, type, named, action);
    }

    private static Object publish(String topic) {
        return client.publish(OutboundMessage.of(topic, new byte[0], 1));
    }

    private static Object subscribe(String filter) {
        return client.subscribe(List.of(Subscription.of(filter, 1)), m -> { });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAClearMessage(String name, Class<? extends Throwable> type, String named, Action action)
            throws Exception {
        Throwable thrown = catchThrowable(() -> {
            Object result = action.run();
            if (result instanceof CompletableFuture<?> future) {
                try {
                    future.get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }
        });
        assertThat(thrown).as(name).isInstanceOf(type);
        assertThat(thrown.getMessage()).as(name).contains(named);
    }
}
