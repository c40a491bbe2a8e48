package io.github.camelmqttbridge.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Order statistics of repeated measurements: median, min, max and nearest-rank percentiles. */
public final class Stats {

    private final double[] sorted;

    private Stats(double[] sorted) {
        this.sorted = sorted;
    }

    public static Stats of(List<Double> samples) {
        return of(samples.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Stats of(double... samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        for (double s : samples) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("NaN sample in " + Arrays.toString(samples));
            }
        }
        double[] copy = samples.clone();
        Arrays.sort(copy);
        return new Stats(copy);
    }

    public int count() {
        return sorted.length;
    }

    public double min() {
        return sorted[0];
    }

    public double max() {
        return sorted[sorted.length - 1];
    }

    /** The middle value; the mean of the two middle values for an even count. */
    public double median() {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /** Nearest-rank percentile, {@code 0 < p <= 100}: the smallest sample with at least p% of samples at or below it. */
    public double percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public double[] samples() {
        return sorted.clone();
    }

    @Override
    public String toString() {
        return "median " + median() + " [" + min() + ", " + max() + "] of " + count();
    }
}
