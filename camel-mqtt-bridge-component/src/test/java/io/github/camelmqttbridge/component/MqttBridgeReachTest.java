package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.camelmqttbridge.mqtt.auth.CredentialsProvider;
import io.github.camelmqttbridge.mqtt.auth.MqttCredentials;
import io.github.camelmqttbridge.mqtt.auth.ScramAuthenticator;
import io.github.camelmqttbridge.mqtt.client.HiveMqScramBroker;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.ProxyOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import io.github.camelmqttbridge.testsupport.TinyProxy;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reach options from a route's point of view: WebSocket URLs, a proxy, SCRAM by authMethod, and beans from the
 * registry (enhancedAuthenticator, credentialsProvider), each carrying a real message; the kamelets with a ws:// URL
 * and a proxy; the catalog lists the options and marks the proxy credentials secret.
 */
class MqttBridgeReachTest extends CamelTestSupport {

    private static final String PROXY_USER = "route-proxy";
    private static final String PROXY_PASSWORD = "Rp-6c1d9e-secret";
    private static final String SCRAM_PASSWORD = "Rs-2b7f4a-secret";

    private static TestCertificates certs;
    private static MosquittoBroker broker;
    private static TinyProxy proxy;
    private static HiveMqScramBroker hivemq;
    private static Path hivemqDir;
    private final String id = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.generate();
        broker = MosquittoBroker.builder().webSockets().tls(certs, false).start();
        proxy = TinyProxy.start(PROXY_USER, PROXY_PASSWORD);
        hivemqDir = Files.createTempDirectory("hivemq-reach-");
        hivemq = new HiveMqScramBroker(hivemqDir);
        hivemq.user("alice", SCRAM_PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (hivemq != null) {
            hivemq.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private SSLContextParameters trustTestCa() {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("file:" + certs.trustStore());
        store.setPassword(certs.password());
        store.setType("PKCS12");
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters tls = new SSLContextParameters();
        tls.setTrustManagers(trust);
        return tls;
    }

    private MockEndpoint expect(String mock, String... bodies) {
        MockEndpoint m = getMockEndpoint(mock);
        m.expectedBodiesReceived((Object[]) bodies);
        return m;
    }

    @Test
    void wsConsumerAndWssProducerThroughAnHttpProxy() throws Exception {
        context.getRegistry().bind("tls", trustTestCa());
        String topic = "reach/" + id + "/ws";
        long tunnels = proxy.tunnelsTo(broker.secureWebSocketPort());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic + "?brokerUrl=" + broker.wsUrl() + "&qos=1").routeId("ws-in").to("mock:ws");
                from("direct:wss").to("mqtt-bridge:" + topic + "?brokerUrl=" + broker.wssUrl() + "&qos=1"
                        + "&sslContextParameters=#tls&proxyType=http&proxyHost=127.0.0.1&proxyPort=" + proxy.port()
                        + "&proxyUserName=" + PROXY_USER + "&proxyPassword=RAW(" + PROXY_PASSWORD + ")");
            }
        });
        MockEndpoint ws = expect("mock:ws", "over wss, through the proxy, back over ws");
        template.sendBody("direct:wss", "over wss, through the proxy, back over ws");
        ws.assertIsSatisfied(15_000);
        assertThat(proxy.tunnelsTo(broker.secureWebSocketPort())).isEqualTo(tunnels + 1);
    }

    @Test
    void scramByAuthMethodKeepsThePasswordOffTheWire() throws Exception {
        String topic = "reach/" + id + "/scram";
        String common = "brokerUrl=" + hivemq.url() + "&qos=1&authMethod=SCRAM-SHA-256&userName=alice&password=RAW("
                + SCRAM_PASSWORD + ")";
        int before = hivemq.events.size();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-bridge:" + topic + "?" + common + "&clientId=scram-in-" + id).routeId("scram-in").to("mock:scram");
                from("direct:scram").to("mqtt-bridge:" + topic + "?" + common + "&clientId=scram-out-" + id);
            }
        });
        MockEndpoint scram = expect("mock:scram", "authenticated by SCRAM");
        template.sendBody("direct:scram", "authenticated by SCRAM");
        scram.assertIsSatisfied(15_000);
        assertThat(hivemq.events.subList(before, hivemq.events.size())).contains("connect SCRAM-SHA-256 n=alice",
                "accepted alice");
        assertThat(hivemq.connectsWithPassword).as("CONNECTs that carried the password").doesNotContain(
                "scram-in-" + id, "scram-out-" + id);
    }

    @Test
    void beansFromTheRegistry() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CredentialsProvider tokens = uri -> {
            asked.incrementAndGet();
            return MqttCredentials.of("bob", "bob-token");
        };
        context.getRegistry().bind("tokens", tokens);
        context.getRegistry().bind("scram", ScramAuthenticator.sha512("alice", SCRAM_PASSWORD.toCharArray()));
        String topic = "reach/" + id + "/beans";
        try (MosquittoBroker withPasswords = MosquittoBroker.builder().passwordFile(Map.of("bob", "bob-token")).start()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("mqtt-bridge:" + topic + "?brokerUrl=" + withPasswords.tcpUrl() + "&credentialsProvider=#tokens&qos=1")
                            .routeId("tokens-in").to("mock:tokens");
                    from("direct:tokens").to("mqtt-bridge:" + topic + "?brokerUrl=" + withPasswords.tcpUrl()
                            + "&credentialsProvider=#bean:tokens&qos=1");
                    from("mqtt-bridge:" + topic + "?brokerUrl=" + hivemq.url() + "&enhancedAuthenticator=#scram&qos=1")
                            .routeId("bean-scram-in").to("mock:bean-scram");
                    from("direct:bean-scram").to("mqtt-bridge:" + topic + "?brokerUrl=" + hivemq.url()
                            + "&enhancedAuthenticator=#scram&qos=1");
                }
            });
            MockEndpoint viaTokens = expect("mock:tokens", "with a token");
            MockEndpoint viaScram = expect("mock:bean-scram", "with a SCRAM bean");
            template.sendBody("direct:tokens", "with a token");
            template.sendBody("direct:bean-scram", "with a SCRAM bean");
            viaTokens.assertIsSatisfied(15_000);
            viaScram.assertIsSatisfied(15_000);
            assertThat(asked.get()).as("one connect each for consumer and producer").isEqualTo(2);
            assertThat(hivemq.events).contains("connect SCRAM-SHA-512 n=alice");
        }
    }

    @Test
    void kameletsReachTheBrokerOverWebSocketThroughTheProxy() throws Exception {
        String topic = "reach/" + id + "/kamelet";
        String proxyParams = "&proxyType=http&proxyHost=127.0.0.1&proxyPort=" + proxy.port() + "&proxyUserName="
                + PROXY_USER + "&proxyPassword=RAW(" + PROXY_PASSWORD + ")";
        long tunnels = proxy.tunnelsTo(broker.webSocketPort());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:mqtt-bridge-source?topic=" + topic + "&brokerUrl=" + broker.wsUrl() + "&qos=1" + proxyParams)
                        .routeId("k-ws-in").to("mock:k-ws");
                from("direct:k-ws").to("kamelet:mqtt-bridge-sink?topic=" + topic + "&brokerUrl=" + broker.wsUrl()
                        + "&qos=1" + proxyParams);
            }
        });
        MockEndpoint k = expect("mock:k-ws", "kamelets over ws");
        template.sendBody("direct:k-ws", "kamelets over ws");
        k.assertIsSatisfied(15_000);
        assertThat(proxy.tunnelsTo(broker.webSocketPort())).isEqualTo(tunnels + 2);
    }

    @Test
    void optionsMapToTheEngine() throws Exception {
        MqttBridgeEndpoint e = context.getEndpoint("mqtt-bridge:x?brokerUrl=wss://broker.example:443/mqtt"
                + "&proxyType=socks5&proxyHost=proxy.example&proxyPort=1080&proxyUserName=u&proxyPassword=p"
                + "&webSocketSubprotocols=mqttv3.1,mqtt&protocolVersion=3.1.1", MqttBridgeEndpoint.class);
        MqttClientOptions o = e.clientOptions("c", io.github.camelmqttbridge.mqtt.message.AckMode.MANUAL, 10);
        assertThat(o.proxy().type()).isEqualTo(ProxyOptions.Type.SOCKS5);
        assertThat(o.proxy().host()).isEqualTo("proxy.example");
        assertThat(o.proxy().port()).isEqualTo(1080);
        assertThat(new String(o.proxy().password())).isEqualTo("p");
        assertThat(o.webSocket().subprotocolsFor(MqttVersion.V3_1_1)).containsExactly("mqttv3.1", "mqtt");
        assertThat(o.toString()).doesNotContain("=p,").contains("******");
        assertThat(e.toString()).doesNotContain("proxyPassword=p");
        assertThat(e.getConfiguration().toString()).doesNotContain("=p,").contains("proxyPassword=******");

        MqttBridgeEndpoint scram = context.getEndpoint("mqtt-bridge:y?authMethod=SCRAM-SHA-256&userName=a&password=b",
                MqttBridgeEndpoint.class);
        MqttClientOptions s = scram.clientOptions("c", io.github.camelmqttbridge.mqtt.message.AckMode.MANUAL, 10);
        assertThat(s.enhancedAuthenticator().method()).isEqualTo("SCRAM-SHA-256");
        assertThat(s.password()).as("SCRAM keeps the password out of CONNECT").isNull();
        assertThat(s.userName()).isEqualTo("a");

        MqttBridgeEndpoint unknown = context.getEndpoint("mqtt-bridge:z?authMethod=OAUTH2", MqttBridgeEndpoint.class);
        assertThatThrownBy(() -> unknown.clientOptions("c", io.github.camelmqttbridge.mqtt.message.AckMode.MANUAL, 10))
                .hasMessageContaining("needs an enhancedAuthenticator bean");
        MqttBridgeEndpoint badProxy = context.getEndpoint("mqtt-bridge:w?proxyType=ftp", MqttBridgeEndpoint.class);
        assertThatThrownBy(() -> badProxy.clientOptions("c", io.github.camelmqttbridge.mqtt.message.AckMode.MANUAL, 10))
                .hasMessageContaining("Unknown proxyType 'ftp'");
        MqttBridgeEndpoint noHost = context.getEndpoint("mqtt-bridge:v?proxyType=http", MqttBridgeEndpoint.class);
        assertThatThrownBy(() -> noHost.clientOptions("c", io.github.camelmqttbridge.mqtt.message.AckMode.MANUAL, 10))
                .hasMessageContaining("needs proxyHost");
    }

    @Test
    void catalogListsTheOptionsAndMarksSecrets() throws Exception {
        JsonObject json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/io/github/camelmqttbridge/component/mqtt-bridge.json")) {
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        JsonObject props = (JsonObject) json.get("properties");
        for (String option : List.of("authMethod", "enhancedAuthenticator", "reauthenticateInterval", "credentialsProvider",
                "proxyType", "proxyHost", "proxyPort", "proxyUserName", "proxyPassword", "customWebSocketHeaders",
                "webSocketSubprotocols")) {
            assertThat(props).as("option " + option).containsKey(option);
            assertThat(((JsonObject) props.get(option)).getString("description")).isNotBlank();
        }
        assertThat(((JsonObject) props.get("proxyPassword")).getBoolean("secret")).isTrue();
        assertThat(((JsonObject) props.get("proxyUserName")).getBoolean("secret")).isTrue();
        assertThat(((JsonObject) props.get("proxyType")).getString("defaultValue")).isEqualTo("none");
        assertThat(((JsonObject) props.get("brokerUrl")).getString("description")).contains("wss://");
    }
}
