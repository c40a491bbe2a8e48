package io.github.camelmqttbridge.mqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ServerReferenceTest {

    private static final URI TCP = URI.create("tcp://broker-a:1883");
    private static final URI TLS = URI.create("ssl://broker-a:8883");

    @Test
    void hostAndPortKeepTheSchemeOfTheServerThatSentIt() {
        assertThat(ServerReference.resolve("broker-b:1884", TCP)).isEqualTo(URI.create("tcp://broker-b:1884"));
        assertThat(ServerReference.resolve("broker-b", TLS)).isEqualTo(URI.create("ssl://broker-b"));
        assertThat(ServerReference.resolve("  10.0.0.7:8883 other:1 ", TLS)).isEqualTo(URI.create("ssl://10.0.0.7:8883"));
        assertThat(ServerReference.resolve("[fe80::9610:3eff:fe1c]:1883", TCP))
                .isEqualTo(URI.create("tcp://[fe80::9610:3eff:fe1c]:1883"));
    }

    @Test
    void anythingElseIsNotFollowed() {
        for (String bad : new String[] {"", "  ", "tcp://evil:1883", "user@evil:1883", "evil:0", "evil:65536", "evil:x",
                "evil:1883/path", "[zz::1]:1883", "[fe80::1", "-evil", "evil:"}) {
            assertThat(ServerReference.resolve(bad, TCP)).as("'%s'", bad).isNull();
        }
        assertThat(ServerReference.resolve(null, TCP)).isNull();
    }
}
