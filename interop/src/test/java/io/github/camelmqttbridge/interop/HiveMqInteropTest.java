package io.github.camelmqttbridge.interop;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.github.camelmqttbridge.interop.InteropBroker.Capabilities;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.testsupport.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * HiveMQ CE embedded in this JVM, MQTT 5 and 3.1.1, in-memory persistence. HiveMQ CE has no password file: an
 * embedded extension registers an authenticator (one user) and a subscription authorizer (refuses filters under
 * {@code forbidden/} with "not authorized").
 */
class HiveMqInteropTest extends InteropScenarios {

    /** The version of hivemq-community-edition-embedded in the parent POM. */
    private static final String VERSION = "2025.5";

    @Override
    protected InteropBroker startBroker(Path workDir) throws Exception {
        String user = "interop";
        String password = UUID.randomUUID().toString();
        String forbidden = "forbidden/";
        int port = FreePorts.find();
        Path conf = Files.createDirectories(workDir.resolve("hivemq-conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                  <mqtt><queued-messages><max-queue-size>1000000</max-queue-size></queued-messages></mqtt>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedExtension auth = EmbeddedExtension.builder().withId("interop-auth").withName("interop auth")
                .withVersion("1").withAuthor("camel-mqtt-bridge").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
                        Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) (a, out) -> {
                            boolean known = a.getConnectPacket().getUserName().filter(user::equals).isPresent()
                                    && a.getConnectPacket().getPassword()
                                            .map(b -> StandardCharsets.UTF_8.decode(b).toString())
                                            .filter(password::equals).isPresent();
                            if (known) {
                                out.authenticateSuccessfully();
                            } else {
                                out.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                                        "bad user name or password");
                            }
                        });
                        Services.securityRegistry().setAuthorizerProvider(in -> (SubscriptionAuthorizer) (s, out) -> {
                            if (s.getSubscription().getTopicFilter().startsWith(forbidden)) {
                                out.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not for this user");
                            } else {
                                out.authorizeSuccessfully();
                            }
                        });
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
                    }
                }).build();
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(workDir.resolve("hivemq-data")))
                .withExtensionsFolder(Files.createDirectories(workDir.resolve("hivemq-extensions")))
                .withEmbeddedExtension(auth).withoutLoggingBootstrap().build();
        hivemq.start().join();
        return new RunningBroker("hivemq", "HiveMQ CE " + VERSION + " (embedded)", "tcp://127.0.0.1:" + port,
                Capabilities.complete(MqttVersion.V5, MqttVersion.V3_1_1), user, password, () -> {
                    hivemq.stop().join();
                    try {
                        hivemq.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }
}
