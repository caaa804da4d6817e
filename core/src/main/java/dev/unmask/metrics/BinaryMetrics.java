package dev.unmask.metrics;

/**
 * One-call sample-level metrics for {@code scores} (length n, finite, higher = more likely fake) and
 * {@code labels} (length n, {@code true} = fake). Each call sorts the scores; to compute several curve
 * metrics on the same data, build one {@link ThresholdSweep} and ask it. Formulas and conventions are
 * documented on {@link ThresholdSweep} and {@link ConfusionCounts}.
 */
public final class BinaryMetrics {
    private BinaryMetrics() {
    }

    /** Exact AUROC, ties counted one half (Mann-Whitney U / (P N)); see {@link ThresholdSweep#auroc()}. */
    public static double auroc(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).auroc();
    }

    /** Average precision, {@code sum (R_n - R_{n-1}) P_n}; see {@link ThresholdSweep#averagePrecision()}. */
    public static double averagePrecision(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).averagePrecision();
    }

    /** ROC curve with every point kept; see {@link ThresholdSweep#rocCurve()}. */
    public static RocCurve rocCurve(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).rocCurve();
    }

    /** Precision-recall curve in scikit-learn's layout; see {@link ThresholdSweep#precisionRecallCurve()}. */
    public static PrecisionRecallCurve precisionRecallCurve(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).precisionRecallCurve();
    }

    /** Equal error rate and its threshold; see {@link ThresholdSweep#equalErrorRate()}. */
    public static EqualErrorRate equalErrorRate(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).equalErrorRate();
    }

    /** Best F1 over thresholds and its threshold; see {@link ThresholdSweep#f1Max()}. */
    public static BestF1 f1Max(double[] scores, boolean[] labels) {
        return ThresholdSweep.of(scores, labels).f1Max();
    }

    /** Precision, recall, accuracy and F1 at {@code threshold} ({@code score >= threshold} is positive). */
    public static ConfusionCounts atThreshold(double[] scores, boolean[] labels, double threshold) {
        return ConfusionCounts.at(scores, labels, threshold);
    }
}
