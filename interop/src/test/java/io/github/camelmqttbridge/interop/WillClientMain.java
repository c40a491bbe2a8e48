package io.github.camelmqttbridge.interop;

import io.github.camelmqttbridge.mqtt.client.MqttClient;
import io.github.camelmqttbridge.mqtt.message.MqttVersion;
import io.github.camelmqttbridge.mqtt.message.Will;
import io.github.camelmqttbridge.mqtt.options.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for the will scenario: connects with a will and waits to be killed with SIGKILL (no DISCONNECT, the
 * kernel closes the socket). Arguments: url version userName password willTopic willPayload. The password comes
 * from the environment variable {@value #PASSWORD_VARIABLE}, not the command line.
 */
public final class WillClientMain {

    static final String CONNECTED = "WILL-CLIENT connected";
    static final String PASSWORD_VARIABLE = "INTEROP_PASSWORD";

    private WillClientMain() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        MqttVersion version = MqttVersion.valueOf(args[1]);
        MqttClient client = new MqttClient(MqttClientOptions.builder().serverUri(url).version(version)
                .clientId(Clients.uniqueClientId("will")).userName(args[2])
                .password(System.getenv(PASSWORD_VARIABLE).getBytes(StandardCharsets.UTF_8))
                .keepAliveSeconds(10).connectTimeout(Duration.ofSeconds(10))
                .will(Will.of(args[3], args[4].getBytes(StandardCharsets.UTF_8), 1, false)).build());
        client.connect().get(30, TimeUnit.SECONDS);
        System.out.println(CONNECTED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
