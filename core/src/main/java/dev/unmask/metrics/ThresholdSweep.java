package dev.unmask.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Scores sorted once and swept from the highest threshold to the lowest: for every distinct score
 * {@code t_i} (descending, ties merged into one step) the cumulative counts
 * {@code TP_i = #{positives with score >= t_i}} and {@code FP_i = #{negatives with score >= t_i}}. This is
 * scikit-learn's {@code _binary_clf_curve}; every curve metric (ROC, AUROC, PR, AP, EER, F1-max, best Dice)
 * is derived from it in O(k), k the number of distinct scores, after the O(n log n) sort.
 *
 * <p>No intermediate point is dropped: the sweep has one step per distinct score, which is scikit-learn's
 * {@code roc_curve(..., drop_intermediate=False)}. Dropped points lie on straight segments of the curve, so
 * areas and the EER are the same either way.
 *
 * <p>Conventions (positive class, {@code score >= t}, bad input) are those of the package
 * {@link dev.unmask.metrics}. Instances are immutable.
 */
public final class ThresholdSweep {
    private final double[] thresholds;
    private final long[] truePositives;
    private final long[] falsePositives;
    private final long positives;
    private final long negatives;

    private ThresholdSweep(double[] thresholds, long[] truePositives, long[] falsePositives, long positives, long negatives) {
        this.thresholds = thresholds;
        this.truePositives = truePositives;
        this.falsePositives = falsePositives;
        this.positives = positives;
        this.negatives = negatives;
    }

    /** Sweeps {@code scores} (length n, finite) against {@code labels} (length n, {@code true} = positive). */
    public static ThresholdSweep of(double[] scores, boolean[] labels) {
        MetricChecks.requireScoresAndLabels(scores, labels);
        ClassSplit split = new ClassSplit(countTrue(labels), labels.length);
        for (int i = 0; i < scores.length; i++) {
            split.add(scores[i], labels[i]);
        }
        return split.sweep();
    }

    /** As {@link #of(double[], boolean[])} for single-precision scores; float to double keeps order and ties. */
    public static ThresholdSweep of(float[] scores, boolean[] labels) {
        MetricChecks.requireScoresAndLabels(scores, labels);
        ClassSplit split = new ClassSplit(countTrue(labels), labels.length);
        for (int i = 0; i < scores.length; i++) {
            split.add(scores[i], labels[i]);
        }
        return split.sweep();
    }

    /**
     * Sweeps every pixel of every map: {@code maps.get(m)[j]} is the score of pixel j of image m and
     * {@code masks.get(m)[j]} its label. Each map is a flattened score map of any shape; its mask has the
     * same length. All pixels are pooled into one sweep.
     */
    public static ThresholdSweep ofMaps(List<float[]> maps, List<boolean[]> masks) {
        int total = MetricChecks.requireMapsAndMasks(maps, masks);
        int positiveCount = 0;
        for (boolean[] mask : masks) {
            positiveCount += countTrue(mask);
        }
        ClassSplit split = new ClassSplit(positiveCount, total);
        for (int m = 0; m < maps.size(); m++) {
            float[] map = maps.get(m);
            boolean[] mask = masks.get(m);
            for (int j = 0; j < map.length; j++) {
                split.add(map[j], mask[j]);
            }
        }
        return split.sweep();
    }

    /** Number of distinct scores k (the number of steps). */
    public int size() {
        return thresholds.length;
    }

    /** The distinct scores in descending order, length {@link #size()}. */
    public double[] thresholds() {
        return thresholds.clone();
    }

    /** Cumulative true positives at each threshold, length {@link #size()}, non-decreasing. */
    public long[] truePositives() {
        return truePositives.clone();
    }

    /** Cumulative false positives at each threshold, length {@link #size()}, non-decreasing. */
    public long[] falsePositives() {
        return falsePositives.clone();
    }

    /** Number of positive samples P. */
    public long positives() {
        return positives;
    }

    /** Number of negative samples N. */
    public long negatives() {
        return negatives;
    }

    /**
     * Area under the ROC curve, exactly: the probability that a random positive scores higher than a random
     * negative, ties counted one half,
     * {@code AUROC = (#{(p, n): s_p > s_n} + 0.5 #{(p, n): s_p = s_n}) / (P N)}. This is the Mann-Whitney
     * U statistic of the positives divided by {@code P N}, and equals the trapezoidal area under
     * {@link #rocCurve()} (scikit-learn's {@code roc_auc_score}). Pair counts are exact integers.
     *
     * @throws IllegalArgumentException if there are no positives or no negatives
     */
    public double auroc() {
        requireBothClasses("AUROC");
        // twice the U statistic, so that the half-counted ties stay integers
        long twiceU = 0;
        long previousTp = 0;
        long previousFp = 0;
        for (int i = 0; i < thresholds.length; i++) {
            long groupPositives = truePositives[i] - previousTp;
            long groupNegatives = falsePositives[i] - previousFp;
            long negativesBelow = negatives - falsePositives[i];
            twiceU += 2 * groupPositives * negativesBelow + groupPositives * groupNegatives;
            previousTp = truePositives[i];
            previousFp = falsePositives[i];
        }
        return twiceU / (2.0 * positives * negatives);
    }

    /**
     * The ROC curve with scikit-learn's conventions and every intermediate point kept
     * ({@code drop_intermediate=False}): k + 1 points, first {@code (0, 0)} at threshold {@code +Infinity}
     * (scikit-learn 1.3 and later; 1.2 put {@code max + 1} there), then for each distinct score
     * {@code t_i} in descending order {@code FPR_i = FP_i / N}, {@code TPR_i = TP_i / P}. The last point is
     * {@code (1, 1)}.
     *
     * @throws IllegalArgumentException if there are no positives or no negatives
     */
    public RocCurve rocCurve() {
        requireBothClasses("the ROC curve");
        int k = thresholds.length;
        double[] fpr = new double[k + 1];
        double[] tpr = new double[k + 1];
        double[] t = new double[k + 1];
        t[0] = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            fpr[i + 1] = (double) falsePositives[i] / negatives;
            tpr[i + 1] = (double) truePositives[i] / positives;
            t[i + 1] = thresholds[i];
        }
        return new RocCurve(fpr, tpr, t);
    }

    /**
     * The precision-recall curve exactly as scikit-learn 1.2's {@code precision_recall_curve} (and later
     * versions with {@code drop_intermediate=False}) returns it: thresholds ascending (the distinct scores),
     * {@code precision[j] = TP / (TP + FP)} and {@code recall[j] = TP / P} at {@code thresholds[j]}, then one
     * final point {@code precision = 1, recall = 0} with no threshold. Lengths k + 1, k + 1, k. Recall is
     * non-increasing along the arrays.
     *
     * @throws IllegalArgumentException if there are no positives (recall undefined)
     */
    public PrecisionRecallCurve precisionRecallCurve() {
        requirePositives("the precision-recall curve");
        int k = thresholds.length;
        double[] precision = new double[k + 1];
        double[] recall = new double[k + 1];
        double[] t = new double[k];
        for (int i = 0; i < k; i++) {
            int j = k - 1 - i;
            precision[j] = (double) truePositives[i] / (truePositives[i] + falsePositives[i]);
            recall[j] = (double) truePositives[i] / positives;
            t[j] = thresholds[i];
        }
        precision[k] = 1;
        recall[k] = 0;
        return new PrecisionRecallCurve(precision, recall, t);
    }

    /**
     * Average precision with scikit-learn's definition, a step-wise sum without interpolation:
     * {@code AP = sum_i (R_i - R_{i-1}) P_i} over the distinct thresholds in descending order, with
     * {@code R_i = TP_i / P}, {@code P_i = TP_i / (TP_i + FP_i)} and {@code R_0 = 0}. Equals
     * {@code average_precision_score}. With no negatives AP is 1.
     *
     * @throws IllegalArgumentException if there are no positives
     */
    public double averagePrecision() {
        requirePositives("average precision");
        double sum = 0;
        long previousTp = 0;
        for (int i = 0; i < thresholds.length; i++) {
            long gained = truePositives[i] - previousTp;
            if (gained > 0) {
                sum += (double) gained / positives * ((double) truePositives[i] / (truePositives[i] + falsePositives[i]));
            }
            previousTp = truePositives[i];
        }
        return sum;
    }

    /**
     * The equal error rate: where the false positive rate equals the false negative rate
     * {@code FNR = 1 - TPR}. The ROC points of {@link #rocCurve()} are joined by straight segments (the same
     * curve whose area is the AUROC); along them {@code FPR - FNR} strictly increases from -1 to 1, so it
     * crosses zero on exactly one segment, between points {@code i-1} and {@code i}. The rate is found by
     * linear interpolation on that segment,
     * {@code EER = FPR_{i-1} + a (FPR_i - FPR_{i-1})} with {@code a = d_{i-1} / (d_{i-1} - d_i)},
     * {@code d = FPR - FNR}; this is the root of {@code 1 - x - TPR(x)} that DeepfakeBench finds with
     * {@code brentq} on the interpolated ROC. The reported threshold is that of point {@code i}: the highest
     * threshold at which {@code FPR >= FNR}, always a score of the data.
     *
     * @throws IllegalArgumentException if there are no positives or no negatives
     */
    public EqualErrorRate equalErrorRate() {
        requireBothClasses("the equal error rate");
        double previousFpr = 0;
        double previousGap = -1;
        for (int i = 0; i < thresholds.length; i++) {
            double fpr = (double) falsePositives[i] / negatives;
            double fnr = 1 - (double) truePositives[i] / positives;
            double gap = fpr - fnr;
            if (gap >= 0) {
                double a = previousGap / (previousGap - gap);
                return new EqualErrorRate(previousFpr + a * (fpr - previousFpr), thresholds[i]);
            }
            previousFpr = fpr;
            previousGap = gap;
        }
        throw new AssertionError("FPR - FNR ends at 1 >= 0, so the loop returns");
    }

    /**
     * The best F1 over all thresholds, {@code F1_i = 2 TP_i / (2 TP_i + FP_i + FN_i) = 2 TP_i / (TP_i + FP_i + P)},
     * and the threshold that attains it; among equal F1 values the highest threshold is returned. For pixel
     * sweeps this is the best Dice, since Dice and F1 are the same formula.
     *
     * @throws IllegalArgumentException if there are no positives
     */
    public BestF1 f1Max() {
        requirePositives("F1-max");
        double best = -1;
        double bestThreshold = Double.NaN;
        for (int i = 0; i < thresholds.length; i++) {
            double f1 = 2.0 * truePositives[i] / (truePositives[i] + falsePositives[i] + positives);
            if (f1 > best) {
                best = f1;
                bestThreshold = thresholds[i];
            }
        }
        return new BestF1(best, bestThreshold);
    }

    private static int countTrue(boolean[] labels) {
        int count = 0;
        for (boolean label : labels) {
            if (label) {
                count++;
            }
        }
        return count;
    }

    private void requirePositives(String metric) {
        if (positives == 0) {
            throw new IllegalArgumentException(metric + " is undefined: all " + negatives + " labels are negative");
        }
    }

    private void requireBothClasses(String metric) {
        requirePositives(metric);
        if (negatives == 0) {
            throw new IllegalArgumentException(metric + " is undefined: all " + positives + " labels are positive");
        }
    }

    /** Scores split by class, each class sorted on its own (primitive sorts, no boxing), then merged. */
    private static final class ClassSplit {
        private final double[] positiveScores;
        private final double[] negativeScores;
        private int p;
        private int n;

        ClassSplit(int positiveCount, int total) {
            positiveScores = new double[positiveCount];
            negativeScores = new double[total - positiveCount];
        }

        void add(double score, boolean label) {
            // + 0.0 turns -0.0 into 0.0: they are one tie group, as numpy's diff sees them
            if (label) {
                positiveScores[p++] = score + 0.0;
            } else {
                negativeScores[n++] = score + 0.0;
            }
        }

        ThresholdSweep sweep() {
            Arrays.sort(positiveScores);
            Arrays.sort(negativeScores);
            // a counting pass first, so that the sweep's arrays are allocated once at their final size k
            int k = merge(null, null, null);
            double[] t = new double[k];
            long[] tp = new long[k];
            long[] fp = new long[k];
            merge(t, tp, fp);
            return new ThresholdSweep(t, tp, fp, positiveScores.length, negativeScores.length);
        }

        /** Walks both sorted classes from the top, one step per distinct score; fills the arrays unless null. */
        private int merge(double[] t, long[] tp, long[] fp) {
            int pi = positiveScores.length - 1;
            int ni = negativeScores.length - 1;
            int k = 0;
            while (pi >= 0 || ni >= 0) {
                double top = pi < 0 ? negativeScores[ni]
                        : ni < 0 ? positiveScores[pi]
                        : Math.max(positiveScores[pi], negativeScores[ni]);
                while (pi >= 0 && positiveScores[pi] == top) {
                    pi--;
                }
                while (ni >= 0 && negativeScores[ni] == top) {
                    ni--;
                }
                if (t != null) {
                    t[k] = top;
                    tp[k] = positiveScores.length - 1 - pi;
                    fp[k] = negativeScores.length - 1 - ni;
                }
                k++;
            }
            return k;
        }
    }
}
