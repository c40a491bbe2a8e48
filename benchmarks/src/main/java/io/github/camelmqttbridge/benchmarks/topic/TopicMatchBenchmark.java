package io.github.camelmqttbridge.benchmarks.topic;

import io.github.camelmqttbridge.mqtt.topic.TopicMatcher;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of routing one PUBLISH: {@link TopicMatcher#match} of one topic name against {@code filters} subscribed
 * filters, for topic depth 3 and 8. The filter set always holds exactly {@link #EXPECTED_MATCHES} filters that
 * match the topic (one literal, four with wildcards), so that the work of collecting results is the same for
 * every size and only the number of non-matching filters grows. The rest are literal filters spread over 50
 * first levels and 1 % / 0.1 % wildcard filters ({@code +} at level 2, trailing {@code #}) that do not match.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicMatchBenchmark {

    public static final int EXPECTED_MATCHES = 5;

    @Param({"10", "10000", "100000"})
    public int filters;

    @Param({"3", "8"})
    public int depth;

    private TopicMatcher<Integer> matcher;
    private String topic;

    @Setup
    public void setUp() {
        matcher = build(filters, depth);
        topic = topic(depth);
        int found = matcher.match(topic).size();
        if (found != EXPECTED_MATCHES) {
            throw new IllegalStateException("expected " + EXPECTED_MATCHES + " matches, got " + found);
        }
    }

    @Benchmark
    public List<Integer> match() {
        return matcher.match(topic);
    }

    /** The topic every run matches: {@code s7/d7/l2_7/l3_7/...}, {@code depth} levels. */
    public static String topic(int depth) {
        return String.join("/", levels(7, depth));
    }

    /** {@code total} filters of {@code depth} levels, {@link #EXPECTED_MATCHES} of them matching {@link #topic}. */
    public static TopicMatcher<Integer> build(int total, int depth) {
        TopicMatcher<Integer> m = new TopicMatcher<>();
        String[] t = levels(7, depth);
        String rest = String.join("/", java.util.Arrays.copyOfRange(t, 2, t.length));
        int value = 0;
        m.add(topic(depth), value++); // the literal match
        m.add("s7/+/" + rest, value++);
        m.add("s7/#", value++);
        m.add("+/d7/#", value++);
        m.add("s7/d7/" + (depth > 3 ? String.join("/", java.util.Arrays.copyOfRange(t, 2, t.length - 1)) + "/+" : "+"),
                value++);
        for (int i = 1000; m.size() < total; i++) { // i starts high: no filter repeats the matching ones above
            String[] l = levels(i, depth);
            if (i % 1000 == 0) {
                m.add(l[0] + "/" + l[1] + "/#", value++); // s0/dN/#: not s7
            } else if (i % 100 == 0) {
                l[1] = "+"; // s0/+/...: not s7
                m.add(String.join("/", l), value++);
            } else if (!l[0].equals("s7") || !l[1].equals("d7")) {
                m.add(String.join("/", l), value++);
            }
        }
        return m;
    }

    private static String[] levels(int i, int depth) {
        String[] l = new String[depth];
        l[0] = "s" + (i % 50);
        l[1] = "d" + i;
        for (int k = 2; k < depth; k++) {
            l[k] = "l" + k + "_" + (i % 10);
        }
        return l;
    }
}
