package io.github.camelmqttbridge.mqtt.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.camelmqttbridge.mqtt.client.ConnectionListener;
import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.error.MqttConnectionRefusedException;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.OutboundMessage;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import io.github.camelmqttbridge.mqtt.options.TlsOptions;
import io.github.camelmqttbridge.testsupport.MosquittoBroker;
import io.github.camelmqttbridge.testsupport.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Passwords and key store passwords never appear in log output (captured down to TRACE), exception messages and
 * stack traces, listener causes, or the toString() of options, TLS options and the client.
 */
class SecretsNeverLoggedTest {

    private static final String PASSWORD = "Pw-7f3a9c1e-secret";
    private static final String WRONG_PASSWORD = "Wrong-4b8d2e6f-guess";
    private static final String WRONG_KEY_STORE_PASSWORD = "Ks-9e1c5a7b-wrong";

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void secretsAppearNowhere(MqttVersion version) throws Exception {
        TestCertificates certs = TestCertificates.generate();
        List<String> secrets = List.of(PASSWORD, WRONG_PASSWORD, WRONG_KEY_STORE_PASSWORD, certs.password());
        StringBuilder seen = new StringBuilder();
        List<Throwable> causes = new CopyOnWriteArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void connectionLost(Throwable cause) {
                causes.add(cause);
            }

            @Override
            public void reconnecting(int attempt, long delayMillis, Throwable lastError) {
                causes.add(lastError);
            }
        };
        try (LogCapture logs = LogCapture.everything();
                MosquittoBroker broker = MosquittoBroker.builder().passwordFile(Map.of("alice", PASSWORD))
                        .tls(certs, true).start()) {
            // wrong password: refused in words, naming the broker
            MqttClient wrong = new MqttClient(options(broker.tcpUrl(), version, WRONG_PASSWORD).build());
            wrong.addConnectionListener(listener);
            Throwable refused = failure(wrong);
            assertThat(refused).isInstanceOf(MqttConnectionRefusedException.class)
                    .hasMessageContaining(broker.tcpUrl()).hasMessageContaining("not authorized");
            seen.append(text(refused)).append(wrong).append(wrong.options()).append(wrong.lastError());
            wrong.close();

            // good password over TCP, and a message through
            MqttClient good = new MqttClient(options(broker.tcpUrl(), version, PASSWORD).build());
            good.addConnectionListener(listener);
            good.connect().get(15, TimeUnit.SECONDS);
            good.publish(OutboundMessage.of("secrets/test", "hello".getBytes(StandardCharsets.UTF_8), 1))
                    .get(15, TimeUnit.SECONDS);
            seen.append(good).append(good.options()).append(good.connectResult());
            good.close();

            // mutual TLS with key store and trust store passwords, and the user password
            TlsOptions tls = TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray())
                    .keyStore(certs.clientKeyStore(), certs.password().toCharArray()).build();
            MqttClient overTls = new MqttClient(options(broker.sslUrl(), version, PASSWORD).tls(tls).build());
            overTls.addConnectionListener(listener);
            overTls.connect().get(15, TimeUnit.SECONDS);
            seen.append(overTls).append(overTls.options()).append(tls);
            overTls.close();

            // a wrong key store password: a clear error that does not echo it
            TlsOptions badTls = TlsOptions.builder().trustStore(certs.trustStore(), certs.password().toCharArray())
                    .keyStore(certs.clientKeyStore(), WRONG_KEY_STORE_PASSWORD.toCharArray()).build();
            Throwable keyStoreError = null;
            try {
                MqttClient c = new MqttClient(options(broker.sslUrl(), version, PASSWORD).tls(badTls).build());
                keyStoreError = failure(c);
                c.close();
            } catch (RuntimeException e) {
                keyStoreError = e;
            }
            assertThat(keyStoreError).isNotNull();
            assertThat(keyStoreError.getMessage()).containsIgnoringCase("key");
            seen.append(text(keyStoreError)).append(badTls);

            for (Throwable c : causes) {
                seen.append(text(c));
            }
            for (LogCapture.Line line : logs.lines()) {
                seen.append(line.all()).append('\n');
            }
            assertThat(logs.lines()).as("the capture saw the client's log").isNotEmpty();
        }
        String everything = seen.toString();
        for (String secret : secrets) {
            assertThat(everything).as("captured text must not contain a secret").doesNotContain(secret);
        }
    }

    private static MqttClientOptions.Builder options(String url, MqttVersion version, String password) {
        return MqttClientOptions.builder().serverUri(url).version(version).clientId("secrets-" + version)
                .userName("alice").password(password.getBytes(StandardCharsets.UTF_8)).automaticReconnect(false)
                .connectTimeout(Duration.ofSeconds(10));
    }

    private static Throwable failure(MqttClient client) throws Exception {
        try {
            client.connect().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the connection to fail");
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
