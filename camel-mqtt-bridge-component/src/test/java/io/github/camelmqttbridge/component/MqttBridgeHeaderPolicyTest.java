package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MessageProperties;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.message.Subscription;
import io.github.camelmqttbridge.mqtt.message.UserProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User properties come from whoever may publish: they never become headers Camel or a component acts on, and headers
 * reach MQTT as user properties only when asked, through the same filter. Each hostile name below is one a component
 * acts on; a test that publishes them asserts that the route did what it would have done without them.
 */
class MqttBridgeHeaderPolicyTest extends MqttBridgeTestSupport {

    /** Names a route acts on, set by a publisher; case and folded spellings included. */
    static final Map<String, String> HOSTILE = hostile();

    private static Map<String, String> hostile() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CamelMqttBridgeOverrideTopic", "stolen/override");
        m.put("CamelMqttBridgeTopic", "stolen/topic");
        m.put("CamelMqttBridgeQos", "0");
        m.put("CamelMqttBridgeRetained", "true");
        m.put("CamelMqttBridgeResponseTopic", "stolen/replies");
        m.put("CamelMqttBridgeMessageExpiryInterval", "1");
        m.put("cAMELMqttBridgeOverrideTopic", "stolen/case");
        m.put("CamelMqttBr\u0131dgeOverrideTopic", "stolen/dotless-i");
        m.put("CamelFileName", "stolen.txt");
        m.put("CAMELFILENAME", "stolen-upper.txt");
        m.put("CamelOverruleFileName", "stolen-overrule.txt");
        m.put("CamelHttpUri", "http://127.0.0.1:1/stolen");
        m.put("CamelHttpPath", "/../admin");
        m.put("kafka.OVERRIDE_TOPIC", "stolen");
        m.put("KAFKA.KEY", "stolen");
        m.put("Content-Type", "text/evil");
        m.put("Authorization", "Bearer stolen");
        return m;
    }

    private void publishWithProperties(String topic, String payload, Map<String, String> properties) throws Exception {
        MessageProperties.Builder p = MessageProperties.builder();
        properties.forEach(p::userProperty);
        MqttClient c = client(BROKER);
        c.publish(new OutboundMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, p.build()))
                .get(10, TimeUnit.SECONDS);
    }

    private Map<String, String> withSite() {
        Map<String, String> m = new LinkedHashMap<>(HOSTILE);
        m.put("site", "lab");
        return m;
    }

    @Test
    void byDefaultUserPropertiesAreOnlyInTheMapHeader() throws Exception {
        String t = topic("default");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1").to("mock:in");
            }
        });
        MockEndpoint in = getMockEndpoint("mock:in");
        in.expectedMessageCount(1);
        publishWithProperties(t, "x", withSite());
        in.assertIsSatisfied(10_000);
        Message m = in.getReceivedExchanges().get(0).getIn();
        assertThat(m.getHeader(MqttBridgeConstants.USER_PROPERTIES, Map.class)).containsAllEntriesOf(withSite());
        assertThat(m.getHeader("site")).isNull();
        HOSTILE.forEach((name, value) -> assertThat(m.getHeader(name)).as(name).isNotEqualTo(value));
        assertThat(m.getHeader(MqttBridgeConstants.TOPIC)).isEqualTo(t);
        assertThat(m.getHeader(MqttBridgeConstants.QOS)).isEqualTo(1);
    }

    @Test
    void withUserPropertiesAsHeadersOnlyNamesTheStrategyLetsThroughBecomeHeaders() throws Exception {
        String t = topic("as-headers");
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&userPropertiesAsHeaders=true").to("mock:in");
            }
        });
        MockEndpoint in = getMockEndpoint("mock:in");
        in.expectedMessageCount(1);
        publishWithProperties(t, "x", withSite());
        in.assertIsSatisfied(10_000);
        Message m = in.getReceivedExchanges().get(0).getIn();
        assertThat(m.getHeader("site")).isEqualTo("lab");
        assertThat(m.getHeader(MqttBridgeConstants.OVERRIDE_TOPIC)).isNull();
        assertThat(m.getHeader(MqttBridgeConstants.RESPONSE_TOPIC)).isNull();
        assertThat(m.getHeader(MqttBridgeConstants.MESSAGE_EXPIRY_INTERVAL)).isNull();
        assertThat(m.getHeader("CamelFileName")).isNull();
        assertThat(m.getHeader("CamelHttpUri")).isNull();
        assertThat(m.getHeader("kafka.KEY")).isNull();
        assertThat(m.getHeader("kafka.OVERRIDE_TOPIC")).isNull();
        assertThat(m.getHeader("Content-Type")).isNull();
        assertThat(m.getHeader("Authorization")).isNull();
        assertThat(m.getHeader(MqttBridgeConstants.TOPIC)).isEqualTo(t);
        assertThat(m.getHeader(MqttBridgeConstants.QOS)).isEqualTo(1);
        assertThat(m.getHeader(MqttBridgeConstants.RETAINED)).isEqualTo(false);
    }

    /** mqtt-bridge -> mqtt-bridge: a publisher's headers must not redirect the bridge or change QoS and retain. */
    @Test
    void hostileUserPropertiesDoNotSteerAnMqttBridgeProducer() throws Exception {
        String a = topic("a");
        String b = topic("b");
        MqttClient subscriber = client(BROKER);
        List<InboundMessage> onB = new CopyOnWriteArrayList<>();
        List<InboundMessage> elsewhere = new CopyOnWriteArrayList<>();
        // QoS 2 and retain-as-published: the received QoS and retain flag are the ones the bridge published with
        subscriber.subscribe(List.of(new Subscription(b, 2, false, true, 0, 0)), m -> {
            onB.add(m);
            m.acknowledge();
        }).get(10, TimeUnit.SECONDS);
        subscriber.subscribe(List.of(Subscription.of("stolen/#", 1)), m -> {
            elsewhere.add(m);
            m.acknowledge();
        }).get(10, TimeUnit.SECONDS);
        for (String options : List.of("", "&userPropertiesAsHeaders=true")) {
            onB.clear();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + a + "?brokerUrl=" + BROKER + "&qos=1" + options)
                            .to("mqtt-bridge:" + b + "?brokerUrl=" + BROKER + "&qos=1");
                }
            });
            publishWithProperties(a, "cmd", HOSTILE);
            await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 1);
            InboundMessage m = onB.get(0);
            assertThat(m.qos()).as(options).isEqualTo(1);
            assertThat(m.retain()).as(options).isFalse();
            assertThat(m.properties().responseTopic()).as(options).isNull();
            assertThat(m.properties().messageExpiryInterval()).as(options).isNull();
            // the user properties themselves travel on unchanged: they are data on MQTT
            assertThat(m.properties().userProperties()).extracting(UserProperty::key)
                    .containsExactlyElementsOf(HOSTILE.keySet());
            context.getRouteController().stopAllRoutes();
            context.removeRoute(context.getRoutes().get(0).getRouteId());
        }
        assertThat(elsewhere).isEmpty();
    }

    @Test
    void hostileUserPropertiesDoNotChooseTheFileAFileProducerWrites(@TempDir Path dir) throws Exception {
        for (String options : List.of("", "&userPropertiesAsHeaders=true")) {
            String t = topic("file" + options.length());
            Path out = Files.createDirectories(dir.resolve("out" + options.length()));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1" + options)
                            .to("file:" + out.toAbsolutePath()) // no fileName option: the message id names the file
                            .to("mock:written");
                }
            });
            MockEndpoint written = getMockEndpoint("mock:written");
            written.reset();
            written.expectedMessageCount(1);
            publishWithProperties(t, "21.5", HOSTILE);
            written.assertIsSatisfied(10_000);
            try (Stream<Path> files = Files.list(out)) {
                assertThat(files.map(p -> p.getFileName().toString())).as(options).singleElement()
                        .satisfies(name -> assertThat(name).doesNotContain("stolen"));
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains("stolen"));
        }
    }

    @Test
    void headersBecomeUserPropertiesOnlyWhenAskedAndNeverTheRoutesOwn() throws Exception {
        String t = topic("out");
        MqttClient subscriber = client(BROKER);
        List<InboundMessage> received = collect(subscriber, t, 1);
        for (boolean asked : new boolean[] {false, true}) {
            received.clear();
            template.send("mqtt-bridge:" + t + "?brokerUrl=" + BROKER + "&qos=1&headersAsUserProperties=" + asked, e -> {
                e.getIn().setBody("x");
                e.getIn().setHeader("site", "lab");
                e.getIn().setHeader("count", 3);
                e.getIn().setHeader("tenant", "from-header");
                e.getIn().setHeader("object", new Object());
                e.getIn().setHeader("CamelFileName", "f.txt");
                e.getIn().setHeader("kafka.KEY", "k");
                e.getIn().setHeader("Authorization", "Bearer secret");
                e.getIn().setHeader(MqttBridgeConstants.QOS, 1);
                e.getIn().setHeader(MqttBridgeConstants.USER_PROPERTIES, Map.of("tenant", "t1"));
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            List<UserProperty> props = received.get(0).properties().userProperties();
            if (asked) {
                assertThat(props).extracting(UserProperty::key, UserProperty::value).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("tenant", "t1"),
                        org.assertj.core.groups.Tuple.tuple("site", "lab"),
                        org.assertj.core.groups.Tuple.tuple("count", "3"));
            } else {
                assertThat(props).extracting(UserProperty::key, UserProperty::value)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("tenant", "t1"));
            }
        }
    }
}
