package io.github.camelmqttbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ScenarioDiscoveryTest {

    @Test
    void runnerFindsEveryScenarioInReportOrderAndPlaceholdersSayNotYetRun() throws Exception {
        List<Scenario> found = new ArrayList<>();
        ServiceLoader.load(Scenario.class).forEach(found::add);
        assertThat(found).extracting(Scenario::name)
                .containsExactly("raw-client", "topic-match", "bridge-e2e", "machine-limits", "memory", "scale-out");
        for (Scenario s : found.subList(2, found.size())) {
            assertThat(s.run(Config.parse()).status()).isEqualTo(Result.Status.NOT_YET_RUN);
        }
    }
}
