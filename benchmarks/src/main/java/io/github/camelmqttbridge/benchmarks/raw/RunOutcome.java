package io.github.camelmqttbridge.benchmarks.raw;

/**
 * One measured run.
 *
 * @param rate      messages per second, or null when the run did not finish (see {@code error})
 * @param completed publishes completed (publish runs) or distinct messages received (subscribe runs)
 * @param lost      messages published but never received (subscribe runs), else 0
 * @param duplicates messages received more than once (subscribe runs), else 0
 * @param publishErrors publishes whose future failed
 * @param error     why the run failed or stalled, with the library's state; null when it finished
 */
record RunOutcome(Double rate, long completed, long lost, long duplicates, long publishErrors, String error) {

    boolean finished() {
        return rate != null;
    }
}
