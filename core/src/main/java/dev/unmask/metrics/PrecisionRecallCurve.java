package dev.unmask.metrics;

/**
 * A precision-recall curve in scikit-learn's layout, as {@link ThresholdSweep#precisionRecallCurve()} builds
 * it: {@code thresholds} ascending (length k), {@code precision[j]} and {@code recall[j]} at
 * {@code thresholds[j]} for {@code j < k}, then a last point {@code precision[k] = 1, recall[k] = 0} without
 * a threshold. The arrays belong to this record; they are not copied.
 */
public record PrecisionRecallCurve(double[] precision, double[] recall, double[] thresholds) {
}
