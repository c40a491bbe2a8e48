package io.github.camelmqttbridge.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.camelmqttbridge.mqtt.auth.EnhancedAuthenticator;
import io.github.camelmqttbridge.mqtt.auth.MqttAuthenticationException;
import io.github.camelmqttbridge.mqtt.auth.MqttCredentials;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttProtocolException;
import io.github.camelmqttbridge.mqtt.message.InboundMessage;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The AUTH flow of MQTT 5 section 4.12 packet by packet, against a scripted broker over a real socket: challenges
 * answered in order, CONNACK's final data checked before anything is delivered, re-authentication (AUTH 0x19 ...
 * AUTH 0x00), and every AUTH that does not fit closed as a protocol error (DISCONNECT 0x82). Also: the credentials
 * provider's answer is what CONNECT carries, asked anew for every connection.
 */
class EnhancedAuthScriptedTest {

    private static final String METHOD = "TEST-ECHO";
    private final ScriptedBroker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();
    /** What the test authenticator was asked, in order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    EnhancedAuthScriptedTest() throws InterruptedException {
        broker = new ScriptedBroker();
        broker.autoConnack = null;
    }

    @AfterEach
    void stop() {
        clients.forEach(MqttClient::close);
        broker.close();
    }

    /** Initial data "hello"; answers a challenge with it reversed; accepts only the final data "ok". */
    private EnhancedAuthenticator echo(long slowCompleteMillis) {
        return new EnhancedAuthenticator() {
            @Override
            public String method() {
                return METHOD;
            }

            @Override
            public Exchange start(String serverUri, boolean reauthentication) {
                calls.add("start reauth=" + reauthentication + " on " + Thread.currentThread().getName());
                return new Exchange() {
                    @Override
                    public byte[] initialData() {
                        return bytes("hello");
                    }

                    @Override
                    public byte[] respond(byte[] challenge) {
                        calls.add("respond " + text(challenge));
                        return bytes(new StringBuilder(text(challenge)).reverse().toString());
                    }

                    @Override
                    public void complete(byte[] serverFinalData) throws Exception {
                        Thread.sleep(slowCompleteMillis); // a slow check runs off the event loop
                        calls.add("complete " + text(serverFinalData));
                        if (!"ok".equals(text(serverFinalData))) {
                            throw new IllegalStateException("final data '" + text(serverFinalData) + "' is not ok");
                        }
                    }
                };
            }
        };
    }

    private MqttClient client(MqttClientOptions.Builder b) {
        MqttClient c = new MqttClient(b.build());
        clients.add(c);
        return c;
    }

    private MqttClientOptions.Builder options() {
        return MqttClientOptions.builder().serverUri(broker.url()).version(MqttVersion.V5).clientId("auth-script")
                .automaticReconnect(false).connectTimeout(Duration.ofSeconds(10));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static MqttProperties authProperties(String method, String data) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.StringProperty(MqttPropertyType.AUTHENTICATION_METHOD.value(), method));
        if (data != null) {
            props.add(new MqttProperties.BinaryProperty(MqttPropertyType.AUTHENTICATION_DATA.value(), bytes(data)));
        }
        return props;
    }

    private static MqttMessage auth(int reason, String method, String data) {
        return MqttMessageBuilders.auth().reasonCode((byte) reason).properties(authProperties(method, data)).build();
    }

    private static MqttMessage connack(int code, String method, String data) {
        MqttMessageBuilders.ConnAckBuilder b = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.valueOf((byte) code)).sessionPresent(false);
        if (method != null) {
            b.properties(authProperties(method, data));
        }
        return b.build();
    }

    private static String authMethod(MqttProperties props) {
        MqttProperties.MqttProperty<?> p = props.getProperty(MqttPropertyType.AUTHENTICATION_METHOD.value());
        return p == null ? null : (String) p.value();
    }

    private static String authData(MqttProperties props) {
        MqttProperties.MqttProperty<?> p = props.getProperty(MqttPropertyType.AUTHENTICATION_DATA.value());
        return p == null ? null : text((byte[]) p.value());
    }

    /** The reason code and data of an AUTH the client sent, e.g. "0x18 olleh". */
    private static String describeAuth(MqttMessage m) {
        MqttReasonCodeAndPropertiesVariableHeader h = (MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader();
        return String.format("0x%02X %s %s", h.reasonCode() & 0xFF, authMethod(h.properties()), authData(h.properties()));
    }

    private static int disconnectReason(MqttMessage m) {
        return ((MqttReasonCodeAndPropertiesVariableHeader) m.variableHeader()).reasonCode() & 0xFF;
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void challengesAnsweredInOrderThenConnackCheckedThenReauthentication() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(0)));
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        MqttConnectMessage connect = conn.connect;
        assertThat(authMethod(connect.variableHeader().properties())).isEqualTo(METHOD);
        assertThat(authData(connect.variableHeader().properties())).isEqualTo("hello");

        conn.send(auth(0x18, METHOD, "abc"));
        assertThat(describeAuth(conn.expect(MqttMessageType.AUTH))).isEqualTo("0x18 TEST-ECHO cba");
        conn.send(auth(0x18, METHOD, "xyz"));
        assertThat(describeAuth(conn.expect(MqttMessageType.AUTH))).isEqualTo("0x18 TEST-ECHO zyx");
        assertThat(connected.isDone()).as("not connected before CONNACK").isFalse();
        conn.send(connack(0, METHOD, "ok"));
        connected.get(10, TimeUnit.SECONDS);
        assertThat(calls).hasSize(4);
        assertThat(calls.get(0)).startsWith("start reauth=false on mqtt-bridge-auth");
        assertThat(calls.subList(1, 4)).containsExactly("respond abc", "respond xyz", "complete ok");

        CompletableFuture<Void> reauth = c.reauthenticate();
        assertThat(describeAuth(conn.expect(MqttMessageType.AUTH))).isEqualTo("0x19 TEST-ECHO hello");
        conn.send(auth(0x18, METHOD, "again"));
        assertThat(describeAuth(conn.expect(MqttMessageType.AUTH))).isEqualTo("0x18 TEST-ECHO niaga");
        assertThat(reauth.isDone()).isFalse();
        conn.send(auth(0x00, METHOD, "ok"));
        reauth.get(10, TimeUnit.SECONDS);
        assertThat(calls.subList(4, calls.size())).hasSize(3);
        assertThat(calls.get(4)).startsWith("start reauth=true");
        assertThat(calls.subList(5, 7)).containsExactly("respond again", "complete ok");
        assertThat(c.isConnected()).isTrue();
    }

    @Test
    void packetsRightAfterConnackWaitForTheCheckAndArriveInOrder() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(500)));
        List<String> received = new CopyOnWriteArrayList<>();
        c.subscribe("held/#", 0, m -> {
            received.add(new String(m.payload(), StandardCharsets.UTF_8));
            m.acknowledge();
        });
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        // CONNACK and two PUBLISHes at once: they arrive while the slow check of the final data runs
        conn.send(connack(0, METHOD, "ok"));
        conn.publish("held/a", 0, 0, false, "one");
        conn.publish("held/a", 0, 0, false, "two");
        connected.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        assertThat(received).containsExactly("one", "two");
        assertThat(c.isConnected()).isTrue();
    }

    @Test
    void finalDataThatDoesNotVerifyFailsTheAttemptAndDeliversNothing() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(0)));
        List<InboundMessage> received = new CopyOnWriteArrayList<>();
        c.subscribe("held/#", 0, received::add);
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        conn.send(connack(0, METHOD, "forged"));
        conn.publish("held/a", 0, 0, false, "must not arrive");
        Throwable error = failure(connected);
        assertThat(error).isInstanceOf(MqttAuthenticationException.class)
                .hasMessageContaining("final TEST-ECHO data did not verify")
                .hasMessageContaining("final data 'forged' is not ok");
        await().atMost(Duration.ofSeconds(10)).until(() -> conn.closed);
        assertThat(received).isEmpty();
        assertThat(c.isConnected()).isFalse();
    }

    @Test
    void authWithAnotherMethodIsAProtocolError() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(0)));
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        conn.send(auth(0x18, "OTHER-METHOD", "abc"));
        assertThat(disconnectReason(conn.expect(MqttMessageType.DISCONNECT))).isEqualTo(0x82);
        assertThat(failure(connected)).isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("authentication method 'OTHER-METHOD' instead of 'TEST-ECHO'");
    }

    @Test
    void authWithoutEnhancedAuthenticationIsAProtocolError() throws Exception {
        MqttClient c = client(options());
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(authMethod(conn.connect.variableHeader().properties())).isNull();
        conn.send(auth(0x18, METHOD, "abc"));
        assertThat(disconnectReason(conn.expect(MqttMessageType.DISCONNECT))).isEqualTo(0x82);
        assertThat(failure(connected)).isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("although we asked for no enhanced authentication");
    }

    @Test
    void authSuccessInsteadOfConnackIsAProtocolError() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(0)));
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        conn.send(auth(0x00, METHOD, "ok"));
        assertThat(disconnectReason(conn.expect(MqttMessageType.DISCONNECT))).isEqualTo(0x82);
        assertThat(failure(connected)).isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("while connecting (CONNACK ends that exchange)");
    }

    @Test
    void unsolicitedAuthOnALiveConnectionIsAProtocolError() throws Exception {
        MqttClient c = client(options().enhancedAuthenticator(echo(0)));
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection conn = broker.nextConnection();
        assertThat(conn.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        conn.send(connack(0, METHOD, "ok"));
        connected.get(10, TimeUnit.SECONDS);
        conn.send(auth(0x18, METHOD, "unasked"));
        assertThat(disconnectReason(conn.expect(MqttMessageType.DISCONNECT))).isEqualTo(0x82);
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
        assertThat(c.lastError()).isInstanceOf(MqttProtocolException.class)
                .hasMessageContaining("outside an authentication exchange");
    }

    @Test
    void theCredentialsProviderIsAskedForEveryConnection() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        MqttClient c = client(options().automaticReconnect(true).minReconnectDelay(Duration.ofMillis(50))
                .userName("static-user").password(bytes("static-password"))
                .credentialsProvider(uri -> MqttCredentials.of("token-user", "token-" + asked.incrementAndGet())));
        CompletableFuture<?> connected = c.connect();
        ScriptedBroker.Connection first = broker.nextConnection();
        first.connack(false);
        connected.get(10, TimeUnit.SECONDS);
        assertThat(first.connect.payload().userName()).isEqualTo("token-user");
        assertThat(text(first.connect.payload().passwordInBytes())).isEqualTo("token-1");

        first.drop();
        ScriptedBroker.Connection second = broker.nextConnection();
        assertThat(second.connectReceived.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.connect.payload().userName()).isEqualTo("token-user");
        assertThat(text(second.connect.payload().passwordInBytes())).isEqualTo("token-2");
        assertThat(second.connect.variableHeader().hasPassword()).isTrue();
    }

    @Test
    void aFailingCredentialsProviderFailsTheAttemptInWords() throws Exception {
        MqttClient c = client(options().credentialsProvider(uri -> {
            throw new IllegalStateException("token service unreachable");
        }));
        Throwable error = failure(c.connect());
        assertThat(error).isInstanceOf(MqttAuthenticationException.class)
                .hasMessageContaining("The credentials provider failed before CONNECT to " + broker.url())
                .hasMessageContaining("token service unreachable");
    }
}
