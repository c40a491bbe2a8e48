package io.github.camelmqttbridge.benchmarks.topic;

import io.github.camelmqttbridge.benchmarks.Config;
import io.github.camelmqttbridge.benchmarks.Figure;
import io.github.camelmqttbridge.benchmarks.Result;
import io.github.camelmqttbridge.benchmarks.Scenario;
import io.github.camelmqttbridge.benchmarks.Stats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link TopicMatchBenchmark} with JMH (forked JVMs) and reports ns per match. */
public final class TopicMatchScenario implements Scenario {

    @Override
    public String name() {
        return "topic-match";
    }

    @Override
    public String title() {
        return "Topic matching (JMH): one PUBLISH against 10, 10k and 100k filters";
    }

    @Override
    public Result run(Config config) throws Exception {
        boolean quick = config.quick();
        int forks = quick ? 1 : 3;
        int warmups = quick ? 1 : 3;
        int iterations = quick ? 2 : 5;
        int seconds = quick ? 1 : 2;
        Options options = new OptionsBuilder()
                .include("\\." + TopicMatchBenchmark.class.getSimpleName() + "\\.")
                .forks(forks)
                .warmupIterations(warmups).warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(seconds))
                .timeUnit(TimeUnit.NANOSECONDS)
                .jvmArgsAppend("-Xms512m", "-Xmx1g")
                .shouldFailOnError(true)
                .build();
        Result result = Result.of(String.format(Locale.ROOT, """
                `TopicMatcher.match(topic)` on a matcher holding 10, 10,000 or 100,000 filters, for a topic of 3 and of \
                8 levels; every filter set holds exactly %d filters matching the topic (1 literal, `s7/+/…`, `s7/#`, \
                `+/d7/#`, `s7/d7/…/+`), the others are literal filters over 50 first levels plus 1 %% `+` and 0.1 %% `#` \
                filters that do not match. JMH 1.37, average time per call, %d fork(s) × %d warm-up and %d measured \
                iterations of %d s; median/min/max are over the measured iterations of all forks (n).""",
                TopicMatchBenchmark.EXPECTED_MATCHES, forks, warmups, iterations, seconds));
        Collection<RunResult> runs = new Runner(options).run();
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingInt((RunResult r) -> param(r.getParams(), "depth"))
                .thenComparingInt(r -> param(r.getParams(), "filters")));
        Map<Integer, Map<Integer, Double>> medians = new HashMap<>();
        for (RunResult run : sorted) {
            int depth = param(run.getParams(), "depth");
            int filters = param(run.getParams(), "filters");
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult fork : run.getBenchmarkResults()) {
                for (IterationResult iteration : fork.getIterationResults()) {
                    scores.add(iteration.getPrimaryResult().getScore());
                }
            }
            Stats stats = Stats.of(scores);
            medians.computeIfAbsent(depth, d -> new HashMap<>()).put(filters, stats.median());
            double error = run.getPrimaryResult().getScoreError();
            result.add(new Figure("match, topic depth " + depth, String.format(Locale.ROOT, "%,d filters", filters),
                    "ns/op", stats, false, false, Double.isNaN(error) ? ""
                            : String.format(Locale.ROOT, "JMH mean %.1f ± %.1f (99.9%%)",
                                    run.getPrimaryResult().getScore(), error)));
        }
        medians.forEach((depth, byFilters) -> {
            Double small = byFilters.get(10);
            Double large = byFilters.get(100_000);
            if (small != null && large != null) {
                result.observe(String.format(Locale.ROOT, "Depth %d: 100,000 filters cost %.2f× the time of 10 filters "
                        + "(target: cost grows with depth, not with the number of filters).", depth, large / small));
            }
        });
        if (medians.containsKey(3) && medians.containsKey(8) && medians.get(3).get(100_000) != null
                && medians.get(8).get(100_000) != null) {
            result.observe(String.format(Locale.ROOT, "100,000 filters: depth 8 costs %.2f× depth 3.",
                    medians.get(8).get(100_000) / medians.get(3).get(100_000)));
        }
        return result;
    }

    private static int param(BenchmarkParams params, String key) {
        return Integer.parseInt(params.getParam(key));
    }
}
