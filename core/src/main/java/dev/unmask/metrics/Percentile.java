package dev.unmask.metrics;

import java.util.Arrays;

/**
 * Percentiles by linear interpolation between closest ranks, numpy's default
 * ({@code np.percentile(values, q)}, method {@code "linear"}, Hyndman and Fan type 7): with the n values
 * sorted ascending as {@code v[0..n-1]}, the virtual index is {@code h = (n - 1) q / 100}, and the result
 * is {@code v[floor(h)] + (h - floor(h)) (v[floor(h) + 1] - v[floor(h)])}. So q = 0 gives the minimum,
 * q = 100 the maximum and q = 50 the median. The interpolation is evaluated as numpy's {@code _lerp} does
 * (from the nearer end), so results agree with numpy to within rounding of {@code h}.
 */
public final class Percentile {
    private Percentile() {
    }

    /**
     * The {@code percent}-th percentile of {@code values} (non-empty, finite; not modified).
     *
     * @param percent in [0, 100]
     */
    public static double of(double[] values, double percent) {
        MetricChecks.requireNonEmpty("values", values);
        MetricChecks.requireFinite("values", values);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return ofSorted(sorted, percent);
    }

    /** As {@link #of(double[], double)} for single-precision values, computed in double precision. */
    public static double of(float[] values, double percent) {
        if (values == null) {
            throw new IllegalArgumentException("values is null");
        }
        double[] widened = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            widened[i] = values[i];
        }
        return of(widened, percent);
    }

    /** The percentile of values already sorted ascending (not checked beyond length and range of percent). */
    static double ofSorted(double[] sorted, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in [0, 100], got " + percent);
        }
        int n = sorted.length;
        double h = (n - 1) * (percent / 100);
        int below = (int) Math.floor(h);
        if (below >= n - 1) {
            return sorted[n - 1];
        }
        double a = sorted[below];
        double b = sorted[below + 1];
        double t = h - below;
        double difference = b - a;
        // numpy's _lerp interpolates from the nearer end, which keeps the result inside [a, b]
        return t < 0.5 ? a + difference * t : b - difference * (1 - t);
    }
}
