package io.github.camelmqttbridge.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void ratioComparesEachRowWithItsGroupsBaselineByMedian() {
        List<Figure> figures = List.of(
                new Figure("publish QoS 1", "ours", "msg/s", Stats.of(30_000, 20_000, 40_000), true, true, ""),
                new Figure("publish QoS 1", "other", "msg/s", Stats.of(15_000, 10_000, 20_000), true, false, "lost 0"),
                new Figure("publish QoS 2", "ours", "msg/s", Stats.of(10_000), true, true, ""),
                new Figure("publish QoS 2", "other", "msg/s", Stats.of(20_000), true, false, ""));
        String table = MarkdownReport.table(figures);
        assertThat(table).contains("| publish QoS 1 | ours | 30,000 | 20,000 | 40,000 | msg/s | 3 | (ours) |");
        assertThat(table).contains("| publish QoS 1 | other | 15,000 | 10,000 | 20,000 | msg/s | 3 | 2.00 | lost 0 |");
        assertThat(table).contains("| publish QoS 2 | other | 20,000 | 20,000 | 20,000 | msg/s | 1 | 0.50 |");
    }

    @Test
    void costsReadTheOtherWayRound() {
        Figure ours = new Figure("g", "ours", "ns/op", Stats.of(100), false, true, "");
        Figure theirs = new Figure("g", "theirs", "ns/op", Stats.of(300), false, false, "");
        assertThat(theirs.baselineAdvantage(ours)).isEqualTo(3.0);
    }

    @Test
    void figureWithoutMeasurementsShowsDashes() {
        List<Figure> figures = List.of(
                new Figure("g", "ours", "msg/s", Stats.of(1000), true, true, ""),
                new Figure("g", "broken", "msg/s", null, true, false, "3 of 3 runs failed or stalled"));
        assertThat(MarkdownReport.table(figures))
                .contains("| g | broken | – | – | – | msg/s | 0 | – | 3 of 3 runs failed or stalled |");
    }

    @Test
    void tableWithoutBaselineHasNoRatioColumn() {
        String table = MarkdownReport.table(List.of(new Figure("match, depth 3", "10 filters", "ns/op", Stats.of(41.25, 43.5),
                false, false, "")));
        assertThat(table).doesNotContain("ours ÷ this");
        assertThat(table).contains("| match, depth 3 | 10 filters | 42.4 | 41.3 | 43.5 | ns/op | 2 |");
    }

    @Test
    void pipesInCellsAreEscaped() {
        assertThat(MarkdownReport.cell("a|b\nc")).isEqualTo("a\\|b c");
    }

    @Test
    void reportMarksPlaceholdersAsNotYetRunAndListsProblems() throws Exception {
        Scenario done = scenario("done", Result.of("How.").add(new Figure("g", "ours", "msg/s", Stats.of(5), true, true, ""))
                .problem("run 2 stalled"));
        Scenario later = scenario("later", Result.notYetRun("something big."));
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("cores", "2");
        String md = MarkdownReport.render("Title", machine, "java -jar x.jar --quick", "Settings.",
                List.of(new MarkdownReport.Section(done, done.run(null), 1.0),
                        new MarkdownReport.Section(later, later.run(null), 0.0)),
                "footer");
        assertThat(md).contains("# Title", "| cores | 2 |", "java -jar x.jar --quick", "## later — not yet run",
                "**Not yet run** (placeholder, no figures). It will measure: something big.", "- run 2 stalled",
                "| later | **not yet run** | – |", "| done | ran, with problems (see section) | 1 s |");
    }

    private static Scenario scenario(String name, Result result) {
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result run(Config config) {
                return result;
            }
        };
    }
}
