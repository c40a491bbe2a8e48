package io.github.camelmqttbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void quickIsTheDefault() {
        Config c = Config.parse();
        assertThat(c.mode()).isEqualTo(Mode.QUICK);
        assertThat(c.messages()).isEqualTo(20_000);
        assertThat(c.bridgeMessages()).isEqualTo(100_000);
        assertThat(c.warmupMessages()).isEqualTo(Config.WARMUP_FLOOR);
        assertThat(c.repeats()).isEqualTo(5);
        assertThat(c.window()).isEqualTo(1000);
        assertThat(c.payloadSize()).isEqualTo(100);
        assertThat(c.brokerUri()).isNull();
        assertThat(c.selected("anything")).isTrue();
    }

    @Test
    void fullModeAndOverrides() {
        Config c = Config.parse("--full", "--messages=50_000", "--repeats=7", "--window=20", "--only=raw|topic",
                "--broker=tcp://127.0.0.1:1883", "--clients=ours|hivemq");
        assertThat(c.mode()).isEqualTo(Mode.FULL);
        assertThat(c.messages()).isEqualTo(50_000);
        assertThat(c.repeats()).isEqualTo(7);
        assertThat(c.window()).isEqualTo(20);
        assertThat(c.brokerUri()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.selected("raw-client")).isTrue();
        assertThat(c.selected("memory")).isFalse();
        assertThat(c.clientSelected("ours")).isTrue();
        assertThat(c.clientSelected("paho")).isFalse();
        assertThat(c.bridgeMessages()).as("--messages sets the bridge's N too").isEqualTo(50_000);
        assertThat(Config.parse("--full").messages()).isEqualTo(200_000);
        assertThat(Config.parse("--full").warmupMessages()).isEqualTo(20_000);
        assertThat(Config.parse("--full", "--messages=1000000").warmupMessages()).isEqualTo(100_000);
        Config bridgeOnly = Config.parse("--messages=5000", "--bridge-messages=70000");
        assertThat(bridgeOnly.messages()).isEqualTo(5_000);
        assertThat(bridgeOnly.bridgeMessages()).isEqualTo(70_000);
    }

    @Test
    void refusesUnknownOptionsAndBadNumbers() {
        assertThatThrownBy(() -> Config.parse("--qiuck")).hasMessageContaining("Unknown option '--qiuck'");
        assertThatThrownBy(() -> Config.parse("--messages=ten")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Config.parse("--repeats=0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Config.parse("--payload=4")).hasMessageContaining("at least 8");
    }
}
