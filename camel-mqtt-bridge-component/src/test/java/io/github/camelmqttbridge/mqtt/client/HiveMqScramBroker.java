package io.github.camelmqttbridge.mqtt.client;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.EnhancedAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthConnectInput;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.EnhancedAuthOutput;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.github.camelmqttbridge.testsupport.FreePorts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;

/**
 * HiveMQ CE (embedded) with an in-test extension that speaks MQTT 5 enhanced authentication with SCRAM-SHA-256 and
 * SCRAM-SHA-512. The server side of SCRAM is Kafka's {@link ScramSaslServer} (kafka-clients, test scope), an
 * implementation independent of ours: the two agreeing is interop, not an echo. It also re-authenticates
 * (AUTH 0x19). Users and passwords can change while it runs. The user {@value #IMPOSTOR} is accepted with a forged
 * server signature, as a broker that does not know the password would have to.
 */
public final class HiveMqScramBroker implements AutoCloseable {

    public static final String IMPOSTOR = "impostor";

    private final EmbeddedHiveMQ hivemq;
    private final int port;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, SaslServer> exchanges = new ConcurrentHashMap<>();
    /** What the broker saw, e.g. "connect SCRAM-SHA-256 alice", "reauth alice", "failed alice: ...". */
    public final List<String> events = new CopyOnWriteArrayList<>();
    /** Client ids whose CONNECT carried a password (with SCRAM it must not). */
    public final List<String> connectsWithPassword = new CopyOnWriteArrayList<>();

    public HiveMqScramBroker(Path dir) throws Exception {
        port = FreePorts.find();
        Path conf = Files.createDirectories(dir.resolve("hivemq-conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        ExtensionMain main = new ExtensionMain() {
            @Override
            public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
                Services.securityRegistry().setEnhancedAuthenticatorProvider(input -> new Scram());
            }

            @Override
            public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
            }
        };
        hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(dir.resolve("hivemq-data")))
                .withExtensionsFolder(Files.createDirectories(dir.resolve("hivemq-extensions")))
                .withEmbeddedExtension(EmbeddedExtension.builder().withId("scram").withName("scram").withVersion("1")
                        .withExtensionMain(main).build())
                .withoutLoggingBootstrap().build();
        hivemq.start().join();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public void user(String name, String password) {
        passwords.put(name, password);
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().join();
        hivemq.close();
    }

    /** The broker side of one client's SCRAM exchanges (HiveMQ may share it: state is kept per client id). */
    private final class Scram implements EnhancedAuthenticator {

        @Override
        public void onConnect(EnhancedAuthConnectInput input, EnhancedAuthOutput output) {
            String clientId = input.getClientInformation().getClientId();
            if (input.getConnectPacket().getPassword().isPresent()) {
                connectsWithPassword.add(clientId);
            }
            Optional<String> method = input.getConnectPacket().getAuthenticationMethod();
            byte[] data = bytes(input.getConnectPacket().getAuthenticationData());
            begin(clientId, method.orElse(null), data, output, "connect");
        }

        @Override
        public void onReAuth(EnhancedAuthInput input, EnhancedAuthOutput output) {
            begin(input.getClientInformation().getClientId(), input.getAuthPacket().getAuthenticationMethod(),
                    input.getAuthPacket().getAuthenticationDataAsArray().orElse(null), output, "reauth");
        }

        @Override
        public void onAuth(EnhancedAuthInput input, EnhancedAuthOutput output) {
            String clientId = input.getClientInformation().getClientId();
            SaslServer server = exchanges.remove(clientId);
            if (server == null) {
                output.failAuthentication(DisconnectedReasonCode.PROTOCOL_ERROR, "no exchange");
                return;
            }
            try {
                byte[] serverFinal = server.evaluateResponse(input.getAuthPacket().getAuthenticationDataAsArray().orElse(null));
                String user = server.getAuthorizationID();
                if (IMPOSTOR.equals(user)) {
                    byte[] forged = new byte[32];
                    serverFinal = ("v=" + Base64.getEncoder().encodeToString(forged)).getBytes(StandardCharsets.US_ASCII);
                }
                events.add("accepted " + user);
                output.authenticateSuccessfully(serverFinal);
            } catch (Exception e) {
                events.add("failed proof: " + e.getMessage());
                output.failAuthentication(DisconnectedReasonCode.NOT_AUTHORIZED, "SCRAM proof did not verify");
            }
        }

        private void begin(String clientId, String method, byte[] clientFirst, EnhancedAuthOutput output, String what) {
            ScramMechanism mechanism = method == null ? null : ScramMechanism.forMechanismName(method);
            if (mechanism == null) {
                events.add(what + " refused method " + method);
                output.failAuthentication(DisconnectedReasonCode.BAD_AUTHENTICATION_METHOD, "only SCRAM-SHA-256/512");
                return;
            }
            try {
                ScramFormatter formatter = new ScramFormatter(mechanism);
                SaslServer server = new ScramSaslServer(mechanism, Map.of(), callbacks -> {
                    String user = null;
                    for (Callback c : callbacks) {
                        if (c instanceof NameCallback n) {
                            user = n.getDefaultName();
                        } else if (c instanceof ScramCredentialCallback s) {
                            String password = user == null ? null : passwords.get(user);
                            ScramCredential credential = password == null ? null
                                    : formatter.generateCredential(password, 4096);
                            s.scramCredential(credential);
                        }
                    }
                });
                byte[] serverFirst = server.evaluateResponse(clientFirst);
                exchanges.put(clientId, server);
                events.add(what + " " + method + " " + new String(clientFirst, StandardCharsets.UTF_8).split(",")[2]);
                output.continueAuthentication(serverFirst);
            } catch (Exception e) {
                events.add(what + " unknown user: " + e.getMessage());
                output.failAuthentication(DisconnectedReasonCode.BAD_USER_NAME_OR_PASSWORD, "unknown user");
            }
        }

        private byte[] bytes(Optional<ByteBuffer> buffer) {
            if (buffer.isEmpty()) {
                return null;
            }
            ByteBuffer b = buffer.get().duplicate();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
