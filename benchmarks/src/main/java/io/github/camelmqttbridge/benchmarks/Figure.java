package io.github.camelmqttbridge.benchmarks;

/**
 * One reported figure: repeated measurements of one subject (e.g. a client library) in one group (e.g.
 * "publish, MQTT 5, QoS 1"). Within a group, the figure marked {@code baseline} (ours) is the reference of
 * the ratio column.
 *
 * @param group    what was measured; rows of one group are compared with each other
 * @param subject  who was measured
 * @param unit     e.g. msg/s or ns/op
 * @param stats    the measurements, or null when no run of this figure succeeded
 * @param higherIsBetter true for rates, false for costs; decides how the ratio reads
 * @param baseline true for the reference of its group
 * @param notes    anything the reader must know about these runs (errors, loss, stalls), or ""
 */
public record Figure(String group, String subject, String unit, Stats stats, boolean higherIsBetter, boolean baseline,
        String notes) {

    public Figure {
        notes = notes == null ? "" : notes;
    }

    /**
     * How many times better the baseline is than this figure, compared by median: above 1 the baseline
     * (ours) is faster. Null when either side has no measurement.
     */
    public Double baselineAdvantage(Figure baselineFigure) {
        if (baselineFigure == null || baselineFigure.stats() == null || stats == null) {
            return null;
        }
        double ours = baselineFigure.stats().median();
        double theirs = stats.median();
        if (ours == 0 || theirs == 0) {
            return null;
        }
        return higherIsBetter ? ours / theirs : theirs / ours;
    }
}
