package dev.unmask.metrics;

/**
 * A ROC curve, as {@link ThresholdSweep#rocCurve()} builds it: three arrays of equal length k + 1, point
 * {@code j} being {@code (falsePositiveRates[j], truePositiveRates[j])} at {@code thresholds[j]}.
 * Thresholds are descending, starting at {@code +Infinity} for the point {@code (0, 0)}; both rates are
 * non-decreasing and end at 1. The arrays belong to this record; they are not copied.
 */
public record RocCurve(double[] falsePositiveRates, double[] truePositiveRates, double[] thresholds) {
}
