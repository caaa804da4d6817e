package dev.unmask.metrics;

import java.util.List;

/**
 * The confusion matrix at one threshold: a sample is predicted positive iff {@code score >= threshold}.
 * Ratios follow scikit-learn with {@code zero_division=0}: a ratio with a zero denominator is 0.
 *
 * @param truePositives  positives predicted positive
 * @param falsePositives negatives predicted positive
 * @param trueNegatives  negatives predicted negative
 * @param falseNegatives positives predicted negative
 */
public record ConfusionCounts(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

    public ConfusionCounts {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("confusion counts must be non-negative, got TP=" + truePositives
                    + " FP=" + falsePositives + " TN=" + trueNegatives + " FN=" + falseNegatives);
        }
    }

    /**
     * Counts for {@code scores} (length n, finite) against {@code labels} (length n) at {@code threshold}
     * (not NaN; {@code +Infinity} predicts nothing positive, {@code -Infinity} everything).
     */
    public static ConfusionCounts at(double[] scores, boolean[] labels, double threshold) {
        MetricChecks.requireScoresAndLabels(scores, labels);
        requireThreshold(threshold);
        Counter counter = new Counter();
        for (int i = 0; i < scores.length; i++) {
            counter.add(scores[i] >= threshold, labels[i]);
        }
        return counter.counts();
    }

    /** Counts over every pixel of every map, pooled; shapes as in {@link ThresholdSweep#ofMaps}. */
    public static ConfusionCounts atMaps(List<float[]> maps, List<boolean[]> masks, double threshold) {
        MetricChecks.requireMapsAndMasks(maps, masks);
        requireThreshold(threshold);
        Counter counter = new Counter();
        for (int m = 0; m < maps.size(); m++) {
            float[] map = maps.get(m);
            boolean[] mask = masks.get(m);
            for (int j = 0; j < map.length; j++) {
                counter.add(map[j] >= threshold, mask[j]);
            }
        }
        return counter.counts();
    }

    /** {@code TP / (TP + FP)}, or 0 when nothing is predicted positive. */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** {@code TP / (TP + FN)} (true positive rate), or 0 when there are no positives. */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** {@code (TP + TN) / (TP + FP + TN + FN)}, or 0 for no samples. */
    public double accuracy() {
        return ratio(truePositives + trueNegatives, truePositives + falsePositives + trueNegatives + falseNegatives);
    }

    /**
     * {@code F1 = 2 TP / (2 TP + FP + FN)}, the harmonic mean of precision and recall, or 0 when
     * {@code TP + FP + FN = 0}. On pixels this is the Dice coefficient {@code 2 |A ∩ B| / (|A| + |B|)}.
     */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    private static void requireThreshold(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
    }

    private static final class Counter {
        private long tp;
        private long fp;
        private long tn;
        private long fn;

        void add(boolean predicted, boolean label) {
            if (predicted) {
                if (label) {
                    tp++;
                } else {
                    fp++;
                }
            } else if (label) {
                fn++;
            } else {
                tn++;
            }
        }

        ConfusionCounts counts() {
            return new ConfusionCounts(tp, fp, tn, fn);
        }
    }
}
