package io.github.camelmqttbridge.kafka.test;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** StorageTool reads a cluster id starting with '-' as an option; one in 64 random ids did, failing a fault test. */
class KafkaProcessClusterIdTest {

    @Test
    void clusterIdsAreTwentyTwoUrlSafeCharactersNeverStartingWithADash() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(KafkaProcess.randomClusterId()).hasSize(22).matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}");
        }
    }
}
