package io.github.camelmqttbridge.benchmarks;

/**
 * One benchmark. The runner finds scenarios with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.github.camelmqttbridge.benchmarks.Scenario}, in report order): adding a scenario
 * is a new class plus one line there, never a change to the runner.
 */
public interface Scenario {

    /** Short, stable name: used by {@code --only} and as the report section's id. */
    String name();

    /** Heading of the report section. */
    default String title() {
        return name();
    }

    /**
     * Runs the scenario and returns what it measured. Scenarios report progress through
     * {@link Config#progress()} and should not throw: a failure belongs in the result
     * ({@link Result#failed}), so that the other scenarios still run and the report still gets written.
     */
    Result run(Config config) throws Exception;
}
