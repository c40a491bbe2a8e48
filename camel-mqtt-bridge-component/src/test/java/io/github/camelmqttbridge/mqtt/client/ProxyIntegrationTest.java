package io.github.camelmqttbridge.mqtt.client;

import static io.github.camelmqttbridge.mqtt.client.ItSupport.await;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.failure;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.options;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.uniqueTopic;
import static io.github.camelmqttbridge.mqtt.client.ItSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.error.MqttConnectionLostException;
import io.github.camelmqttbridge.mqtt.error.MqttTransportException;
import io.github.camelmqttbridge.mqtt.fuzz.LogCapture;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.ProxyOptions;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.github.camelmqttbridge.testsupport.DanteProxy;
import io.github.camelmqttbridge.testsupport.FreePorts;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import io.github.camelmqttbridge.testsupport.TinyProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP CONNECT (Debian's tinyproxy, Basic credentials) and SOCKS5 (Dante's danted, user name / password) in front
 * of every transport: tcp, ssl, ws and wss to one Mosquitto. Each connection must show up in the proxy's own log,
 * so a direct connection cannot pass for a proxied one. Wrong or missing proxy credentials fail in words, and
 * proxy passwords appear in no log line or error.
 */
class ProxyIntegrationTest {

    private static final String HTTP_USER = "proxy-user";
    private static final String HTTP_PASSWORD = "Hp-5d8e2f-secret";

    private static TestCertificates certs;
    private static MosquittoBroker broker;
    private static TinyProxy http;
    private static DanteProxy socks;
    private final List<AutoCloseable> resources = new ArrayList<>();

    enum Transport {
        TCP, SSL, WS, WSS
    }

    @BeforeAll
    static void start() {
        certs = TestCertificates.generate();
        broker = MosquittoBroker.builder().webSockets().tls(certs, false).start();
        http = TinyProxy.start(HTTP_USER, HTTP_PASSWORD);
        socks = DanteProxy.start();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { socks, http, broker }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the others
            }
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        MqttClient c = new MqttClient(b.build());
        resources.add(c);
        return c;
    }

    private static String url(Transport t) {
        return switch (t) {
            case TCP -> broker.tcpUrl();
            case SSL -> broker.sslUrl();
            case WS -> broker.wsUrl();
            case WSS -> broker.wssUrl();
        };
    }

    private static int port(Transport t) {
        return switch (t) {
            case TCP -> broker.port();
            case SSL -> broker.tlsPort();
            case WS -> broker.webSocketPort();
            case WSS -> broker.secureWebSocketPort();
        };
    }

    private static MqttClientOptions.Builder optionsFor(Transport t, MqttVersion version) {
        return options(url(t), version)
                .tls(TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray()).build());
    }

    private static ProxyOptions httpProxy(String user, String password) {
        return ProxyOptions.of(ProxyOptions.Type.HTTP, http.host(), http.port(), user,
                password == null ? null : password.toCharArray());
    }

    private static ProxyOptions socksProxy(String user, String password) {
        return ProxyOptions.of(ProxyOptions.Type.SOCKS5, socks.host(), socks.port(), user,
                password == null ? null : password.toCharArray());
    }

    private void roundTrip(MqttClient c) {
        String topic = uniqueTopic("proxied");
        ItSupport.Recorder received = new ItSupport.Recorder(true);
        await(c.subscribe(topic, 1, received));
        await(c.publish(OutboundMessage.of(topic, utf8("through the proxy"), 1)));
        await().atMost(ItSupport.TIMEOUT).until(() -> received.messages.size() == 1);
        assertThat(received.texts()).containsExactly("through the proxy");
    }

    @ParameterizedTest(name = "{0} through an HTTP CONNECT proxy")
    @EnumSource(Transport.class)
    void everyTransportThroughHttpConnect(Transport transport) {
        long before = http.tunnelsTo(port(transport));
        MqttClient c = client(optionsFor(transport, MqttVersion.V5).proxy(httpProxy(HTTP_USER, HTTP_PASSWORD)));
        await(c.connect());
        roundTrip(c);
        assertThat(http.tunnelsTo(port(transport))).as("CONNECT tunnels to port %s in tinyproxy's log", port(transport))
                .isEqualTo(before + 1);
    }

    @ParameterizedTest(name = "{0} through a SOCKS5 proxy")
    @EnumSource(Transport.class)
    void everyTransportThroughSocks5(Transport transport) {
        long before = socks.connectionsTo(port(transport));
        MqttClient c = client(optionsFor(transport, MqttVersion.V3_1_1).proxy(socksProxy(socks.user(), socks.password())));
        await(c.connect());
        roundTrip(c);
        await().atMost(ItSupport.TIMEOUT).until(() -> socks.connectionsTo(port(transport)) == before + 1);
    }

    @ParameterizedTest(name = "HTTP proxy, user {0}: refused in words")
    @CsvSource(value = { "proxy-user,wrong-password", "NULL,NULL" }, nullValues = "NULL")
    void httpProxyRefusesWrongOrMissingCredentials(String user, String password) {
        MqttClient c = client(optionsFor(Transport.TCP, MqttVersion.V5).proxy(httpProxy(user, password))
                .automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("HTTP proxy 127.0.0.1:" + http.port())
                .hasMessageContaining(user == null ? "407" : "401") // tinyproxy answers a wrong password with 401
                .hasMessageContaining(broker.tcpUrl())
                .hasMessageContaining(user == null ? "set proxyUserName and proxyPassword" : "refused the proxy user name / password");
        assertThat(((MqttTransportException) error).failure()).isEqualTo(MqttTransportException.Failure.PROXY_AUTHENTICATION);
    }

    @Test
    void socksProxyRefusesAWrongPassword() {
        MqttClient c = client(optionsFor(Transport.TCP, MqttVersion.V5).proxy(socksProxy(socks.user(), "not-" + socks.password()))
                .automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("SOCKS5 proxy 127.0.0.1:" + socks.port())
                .hasMessageContaining("refused the proxy user name / password");
        assertThat(((MqttTransportException) error).failure()).isEqualTo(MqttTransportException.Failure.PROXY_AUTHENTICATION);
    }

    @Test
    void socksProxyWithoutCredentialsSaysWhatIsMissing() {
        MqttClient c = client(optionsFor(Transport.TCP, MqttVersion.V5).proxy(socksProxy(null, null))
                .automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttTransportException.class)
                .hasMessageContaining("SOCKS5 proxy 127.0.0.1:" + socks.port())
                .hasMessageContaining("needs a user name and password");
    }

    @Test
    void anUnreachableProxyIsNamed() {
        int nothing = FreePorts.find();
        MqttClient c = client(optionsFor(Transport.WS, MqttVersion.V5)
                .proxy(ProxyOptions.of(ProxyOptions.Type.HTTP, "127.0.0.1", nothing, null, null)).automaticReconnect(false));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttConnectionLostException.class)
                .hasMessageContaining("Cannot connect to " + broker.wsUrl())
                .hasMessageContaining("HTTP proxy 127.0.0.1:" + nothing + " is not reachable");
    }

    @Test
    void systemProxySettingsAreHonoured() {
        Properties saved = (Properties) System.getProperties().clone();
        try {
            // SOCKS from socksProxyHost, credentials from the JDK's java.net.socks.* properties
            System.setProperty("socksProxyHost", socks.host());
            System.setProperty("socksProxyPort", Integer.toString(socks.port()));
            // the JDK adds loopback to any non-empty non-proxy list: an empty one lets the test proxy our local broker
            System.setProperty("socksNonProxyHosts", "");
            System.setProperty("java.net.socks.username", socks.user());
            System.setProperty("java.net.socks.password", socks.password());
            long socksBefore = socks.connectionsTo(broker.port());
            MqttClient viaSocks = client(optionsFor(Transport.TCP, MqttVersion.V5)
                    .proxy(ProxyOptions.of(ProxyOptions.Type.SYSTEM, null, 0, null, null)));
            await(viaSocks.connect());
            roundTrip(viaSocks);
            await().atMost(ItSupport.TIMEOUT).until(() -> socks.connectionsTo(broker.port()) == socksBefore + 1);

            // HTTP CONNECT from https.proxyHost, credentials from the default Authenticator
            System.clearProperty("socksProxyHost");
            System.setProperty("https.proxyHost", http.host());
            System.setProperty("https.proxyPort", Integer.toString(http.port()));
            System.setProperty("http.nonProxyHosts", "");
            Authenticator.setDefault(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return getRequestorType() == RequestorType.PROXY
                            ? new PasswordAuthentication(HTTP_USER, HTTP_PASSWORD.toCharArray()) : null;
                }
            });
            long httpBefore = http.tunnelsTo(broker.webSocketPort());
            MqttClient viaHttp = client(optionsFor(Transport.WS, MqttVersion.V5)
                    .proxy(ProxyOptions.of(ProxyOptions.Type.SYSTEM, null, 0, null, null)));
            await(viaHttp.connect());
            roundTrip(viaHttp);
            assertThat(http.tunnelsTo(broker.webSocketPort())).isEqualTo(httpBefore + 1);

            // the JVM's default non-proxy hosts (loopback) apply: straight to the broker, no new tunnel
            System.clearProperty("http.nonProxyHosts");
            long direct = http.tunnelsTo(broker.port());
            MqttClient bypass = client(optionsFor(Transport.TCP, MqttVersion.V5)
                    .proxy(ProxyOptions.of(ProxyOptions.Type.SYSTEM, null, 0, null, null)));
            await(bypass.connect());
            assertThat(http.tunnelsTo(broker.port())).isEqualTo(direct);
        } finally {
            Authenticator.setDefault(null);
            System.setProperties(saved);
        }
    }

    @Test
    void proxyPasswordsAppearInNoLogOrError() {
        String socksBasic = Base64.getEncoder().encodeToString((socks.user() + ":" + socks.password())
                .getBytes(StandardCharsets.UTF_8));
        String httpBasic = Base64.getEncoder().encodeToString((HTTP_USER + ":" + HTTP_PASSWORD).getBytes(StandardCharsets.UTF_8));
        String wrongBasic = Base64.getEncoder().encodeToString((HTTP_USER + ":Wrong-9f2c").getBytes(StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        try (LogCapture logs = LogCapture.everything()) {
            for (ProxyOptions proxy : List.of(httpProxy(HTTP_USER, HTTP_PASSWORD), httpProxy(HTTP_USER, "Wrong-9f2c"),
                    socksProxy(socks.user(), socks.password()), socksProxy(socks.user(), "Wrong-9f2c"))) {
                MqttClient c = client(optionsFor(Transport.WSS, MqttVersion.V5).proxy(proxy).automaticReconnect(false));
                try {
                    await(c.connect());
                } catch (RuntimeException e) {
                    seen.append(text(e));
                }
                seen.append(c).append(c.options()).append(proxy).append(text(c.lastError()));
                c.close();
            }
            logs.lines().forEach(l -> seen.append(l.all()).append('\n'));
            assertThat(logs.lines()).as("the capture saw the client's log").isNotEmpty();
        }
        assertThat(seen.toString()).doesNotContain(HTTP_PASSWORD, socks.password(), "Wrong-9f2c", socksBasic, httpBasic,
                wrongBasic);
        assertThat(seen.toString()).contains("refused the proxy user name / password");
    }

    private static String text(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return t + "\n" + out;
    }
}
