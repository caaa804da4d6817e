package dev.unmask.metrics;

import java.util.Arrays;

/**
 * A decision threshold (a sample is called fake iff {@code score >= value}) and how it was chosen, so that
 * it can be stored with a model and reported.
 *
 * @param value     the threshold, finite
 * @param method    how it was chosen
 * @param parameter the percent for {@link Method#PERCENTILE_OF_REAL}, NaN otherwise
 */
public record DecisionThreshold(double value, Method method, double parameter) {

    /** How a threshold was chosen. */
    public enum Method {
        /** A percentile of the scores of real samples, e.g. the 95th: about 5% of reals are called fake. */
        PERCENTILE_OF_REAL,
        /** The threshold maximising F1 on a labelled validation set. */
        F1_MAX,
        /** Set by hand. */
        MANUAL
    }

    public DecisionThreshold {
        MetricChecks.requireFinite("threshold", value);
        if (method == null) {
            throw new IllegalArgumentException("method is null");
        }
        if (method == Method.PERCENTILE_OF_REAL ? !(parameter >= 0 && parameter <= 100) : !Double.isNaN(parameter)) {
            throw new IllegalArgumentException("parameter " + parameter + " does not fit method " + method
                    + " (a percent in [0, 100] for PERCENTILE_OF_REAL, NaN otherwise)");
        }
    }

    /**
     * The {@code percent}-th percentile ({@link Percentile}, numpy's linear method) of the scores of the
     * samples labelled real ({@code false}). {@code scores} and {@code labels} have equal length n; at least one
     * label must be {@code false}.
     */
    public static DecisionThreshold percentileOfReal(double[] scores, boolean[] labels, double percent) {
        MetricChecks.requireScoresAndLabels(scores, labels);
        double[] real = new double[scores.length];
        int count = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!labels[i]) {
                real[count++] = scores[i];
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no real (label false) scores to take a percentile of");
        }
        return new DecisionThreshold(Percentile.of(Arrays.copyOf(real, count), percent), Method.PERCENTILE_OF_REAL, percent);
    }

    /**
     * The threshold maximising F1 on a labelled validation set (the highest one among ties); see
     * {@link ThresholdSweep#f1Max()}. At least one label must be {@code true}.
     */
    public static DecisionThreshold f1Max(double[] scores, boolean[] labels) {
        return new DecisionThreshold(ThresholdSweep.of(scores, labels).f1Max().threshold(), Method.F1_MAX, Double.NaN);
    }

    /** A threshold set by hand. */
    public static DecisionThreshold manual(double value) {
        return new DecisionThreshold(value, Method.MANUAL, Double.NaN);
    }
}
