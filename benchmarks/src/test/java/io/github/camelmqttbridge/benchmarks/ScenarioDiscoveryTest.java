package io.github.camelmqttbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ScenarioDiscoveryTest {

    @Test
    void runnerFindsEveryScenarioInReportOrder() {
        List<Scenario> found = new ArrayList<>();
        ServiceLoader.load(Scenario.class).forEach(found::add);
        assertThat(found).extracting(Scenario::name)
                .containsExactly("raw-client", "topic-match", "machine-limits", "bridge-e2e", "hot-topic", "backlog-drain",
                        "fixed-rate-latency", "memory", "scale-out", "session-store");
    }
}
