package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdSweepTest {
    /** Hand-computed expectations are short sums of simple fractions: a few ulps of rounding at most. */
    private static final double EXACT = 1e-15;
    /** The pairwise oracle and the trapezoid rule sum up to 10^4 terms in another order than the sweep. */
    private static final double SUMMATION_ORDER = 1e-12;

    /*
     * The hand case, with ties across classes. P = 3, N = 4.
     *   score  0.9  0.8  0.8  0.5  0.5  0.5  0.2
     *   label   +    +    -    +    -    -    -
     * distinct thresholds 0.9, 0.8, 0.5, 0.2; TP 1, 2, 3, 3; FP 0, 1, 3, 4.
     */
    private static final double[] SCORES = {0.5, 0.9, 0.2, 0.8, 0.5, 0.8, 0.5};
    private static final boolean[] LABELS = {true, true, false, true, false, false, false};

    @Test
    void sweepGroupsTiesAndCountsCumulatively() {
        ThresholdSweep sweep = ThresholdSweep.of(SCORES, LABELS);
        assertArrayEquals(new double[] {0.9, 0.8, 0.5, 0.2}, sweep.thresholds());
        assertArrayEquals(new long[] {1, 2, 3, 3}, sweep.truePositives());
        assertArrayEquals(new long[] {0, 1, 3, 4}, sweep.falsePositives());
        assertEquals(3, sweep.positives());
        assertEquals(4, sweep.negatives());
        assertEquals(4, sweep.size());
    }

    @Test
    void aurocCountsTiedPairsHalf() {
        // pairs won by each positive: 0.9 -> 4; 0.8 -> 3 + 0.5 (tie with the 0.8 negative); 0.5 -> 1 + 2 * 0.5
        assertEquals(9.5 / 12, BinaryMetrics.auroc(SCORES, LABELS), EXACT);
    }

    @Test
    void rocCurveKeepsEveryThresholdAndStartsAtInfinity() {
        RocCurve roc = BinaryMetrics.rocCurve(SCORES, LABELS);
        assertArrayEquals(new double[] {0, 0, 0.25, 0.75, 1}, roc.falsePositiveRates(), EXACT);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 1, 1}, roc.truePositiveRates(), EXACT);
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.9, 0.8, 0.5, 0.2}, roc.thresholds());
    }

    @Test
    void precisionRecallCurveHasScikitLearnsLayout() {
        PrecisionRecallCurve pr = BinaryMetrics.precisionRecallCurve(SCORES, LABELS);
        assertArrayEquals(new double[] {0.2, 0.5, 0.8, 0.9}, pr.thresholds());
        assertArrayEquals(new double[] {3.0 / 7, 3.0 / 6, 2.0 / 3, 1, 1}, pr.precision(), EXACT);
        assertArrayEquals(new double[] {1, 1, 2.0 / 3, 1.0 / 3, 0}, pr.recall(), EXACT);
    }

    @Test
    void averagePrecisionIsStepwiseWithoutInterpolation() {
        // recall rises by 1/3 at 0.9 (precision 1), 0.8 (2/3) and 0.5 (3/6); not at 0.2
        assertEquals(1.0 / 3 + 2.0 / 9 + 1.0 / 6, BinaryMetrics.averagePrecision(SCORES, LABELS), EXACT);
    }

    @Test
    void equalErrorRateInterpolatesOnTheCrossingSegment() {
        // FPR - FNR: -1, -2/3, -1/12 (at 0.8), 3/4 (at 0.5); a = (1/12) / (1/12 + 3/4) = 0.1
        // EER = 0.25 + 0.1 * (0.75 - 0.25) = 0.3, and FNR there is 1/3 - 0.1 / 3 = 0.3 as well
        EqualErrorRate eer = BinaryMetrics.equalErrorRate(SCORES, LABELS);
        assertEquals(0.3, eer.rate(), EXACT);
        assertEquals(0.5, eer.threshold());
    }

    @Test
    void equalErrorRateOnAGridPointNeedsNoInterpolation() {
        // ROC (0,0) (0,.5) (.5,.5) (.5,1) (1,1): at threshold 0.6 FPR = FNR = 0.5 exactly
        EqualErrorRate eer = BinaryMetrics.equalErrorRate(new double[] {0.8, 0.6, 0.4, 0.2}, new boolean[] {true, false, true, false});
        assertEquals(0.5, eer.rate(), EXACT);
        assertEquals(0.6, eer.threshold());
    }

    @Test
    void f1MaxPrefersTheHighestThresholdAmongTies() {
        // F1 = 2 TP / (TP + FP + P): 2/4, 4/6, 6/9, 6/10; 0.8 and 0.5 tie at 2/3
        BestF1 best = BinaryMetrics.f1Max(SCORES, LABELS);
        assertEquals(2.0 / 3, best.f1(), EXACT);
        assertEquals(0.8, best.threshold());
    }

    @Test
    void perfectInvertedAndConstantScores() {
        boolean[] labels = {true, true, false, false};
        double[] perfect = {0.9, 0.8, 0.3, 0.1};
        assertEquals(1, BinaryMetrics.auroc(perfect, labels));
        assertEquals(1, BinaryMetrics.averagePrecision(perfect, labels));
        assertEquals(new EqualErrorRate(0, 0.8), BinaryMetrics.equalErrorRate(perfect, labels));
        assertEquals(new BestF1(1, 0.8), BinaryMetrics.f1Max(perfect, labels));

        double[] inverted = {0.1, 0.3, 0.8, 0.9};
        assertEquals(0, BinaryMetrics.auroc(inverted, labels));
        assertEquals(1, BinaryMetrics.equalErrorRate(inverted, labels).rate(), EXACT);

        double[] constant = {0.5, 0.5, 0.5, 0.5};
        assertEquals(0.5, BinaryMetrics.auroc(constant, labels));
        assertEquals(0.5, BinaryMetrics.averagePrecision(constant, labels));
        assertEquals(new EqualErrorRate(0.5, 0.5), BinaryMetrics.equalErrorRate(constant, labels));
        RocCurve roc = BinaryMetrics.rocCurve(constant, labels);
        assertArrayEquals(new double[] {0, 1}, roc.falsePositiveRates());
        assertArrayEquals(new double[] {0, 1}, roc.truePositiveRates());
    }

    @Test
    void negativeZeroTiesWithZero() {
        ThresholdSweep sweep = ThresholdSweep.of(new double[] {-0.0, 0.0}, new boolean[] {true, false});
        assertEquals(1, sweep.size());
        assertEquals(0.5, sweep.auroc());
    }

    @Test
    void floatScoresGiveTheSameSweepAsTheirDoubleValues() {
        Random random = new Random(7);
        float[] f = new float[300];
        double[] d = new double[f.length];
        boolean[] labels = new boolean[f.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = Math.round(random.nextGaussian() * 20) / 8f;
            d[i] = f[i];
            labels[i] = random.nextBoolean();
        }
        ThresholdSweep fromFloat = ThresholdSweep.of(f, labels);
        ThresholdSweep fromDouble = ThresholdSweep.of(d, labels);
        assertArrayEquals(fromDouble.thresholds(), fromFloat.thresholds());
        assertArrayEquals(fromDouble.truePositives(), fromFloat.truePositives());
        assertArrayEquals(fromDouble.falsePositives(), fromFloat.falsePositives());
    }

    @Test
    void aurocMatchesPairwiseOracleOnRandomDataWithTies() {
        Random random = new Random(20261121);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + random.nextInt(150);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextDouble() < 0.3;
                double raw = random.nextGaussian() + (labels[i] ? 0.7 : 0);
                scores[i] = trial % 2 == 0 ? Math.round(raw * 4) / 4.0 : raw;
            }
            labels[0] = true;
            labels[1] = false;
            assertEquals(pairwiseAuroc(scores, labels), BinaryMetrics.auroc(scores, labels), SUMMATION_ORDER, "trial " + trial);
            assertEquals(trapezoidArea(BinaryMetrics.rocCurve(scores, labels)), BinaryMetrics.auroc(scores, labels), SUMMATION_ORDER);
        }
    }

    @Test
    void equalErrorRateSatisfiesItsDefinitionOnRandomData() {
        Random random = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + random.nextInt(100);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextBoolean();
                scores[i] = Math.round((random.nextGaussian() + (labels[i] ? 1 : 0)) * 3) / 3.0;
            }
            labels[0] = true;
            labels[1] = false;
            EqualErrorRate eer = BinaryMetrics.equalErrorRate(scores, labels);
            // at the reported threshold FPR >= FNR, at the next higher distinct score FPR < FNR
            ConfusionCounts at = ConfusionCounts.at(scores, labels, eer.threshold());
            double fpr = at.falsePositives() / (double) (at.falsePositives() + at.trueNegatives());
            double fnr = 1 - at.recall();
            assertTrue(fpr >= fnr);
            ConfusionCounts above = ConfusionCounts.at(scores, labels, Math.nextUp(eer.threshold()));
            double fprAbove = above.falsePositives() / (double) (above.falsePositives() + above.trueNegatives());
            double fnrAbove = 1 - above.recall();
            assertTrue(fprAbove < fnrAbove);
            // the rate lies between the FPRs (and the FNRs) of the segment's two ends
            assertTrue(eer.rate() >= fprAbove - EXACT && eer.rate() <= fpr + EXACT);
            assertTrue(eer.rate() <= fnrAbove + EXACT && eer.rate() >= fnr - EXACT);
        }
    }

    @Test
    void singleClassIsRejectedWhereTheMetricIsUndefined() {
        double[] scores = {0.1, 0.2, 0.3};
        boolean[] allReal = {false, false, false};
        boolean[] allFake = {true, true, true};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.auroc(scores, allReal));
        assertTrue(e.getMessage().contains("all 3 labels are negative"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.auroc(scores, allFake));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.rocCurve(scores, allFake));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.equalErrorRate(scores, allReal));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.averagePrecision(scores, allReal));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.precisionRecallCurve(scores, allReal));
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.f1Max(scores, allReal));
        // with positives only, precision is 1 everywhere: AP and F1-max are defined
        assertEquals(1, BinaryMetrics.averagePrecision(scores, allFake));
        assertEquals(new BestF1(1, 0.1), BinaryMetrics.f1Max(scores, allFake));
    }

    @Test
    void badArraysAreRejectedWithAClearMessage() {
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.auroc(new double[] {0.1, Double.NaN}, new boolean[] {true, false}));
        assertTrue(nan.getMessage().contains("scores[1] is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.auroc(new double[] {Double.POSITIVE_INFINITY, 0}, new boolean[] {true, false}));
        assertThrows(IllegalArgumentException.class,
                () -> ThresholdSweep.of(new float[] {Float.NaN}, new boolean[] {true}));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.auroc(new double[] {0.1, 0.2}, new boolean[] {true}));
        assertTrue(length.getMessage().contains("2 scores but 1 labels"), length.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> BinaryMetrics.auroc(new double[0], new boolean[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BinaryMetrics.auroc(null, new boolean[0]));
    }

    @Test
    void callerArraysAreNotModified() {
        double[] scores = SCORES.clone();
        boolean[] labels = LABELS.clone();
        ThresholdSweep.of(scores, labels).thresholds()[0] = 42;
        assertArrayEquals(SCORES, scores);
        assertArrayEquals(LABELS, labels);
        assertEquals(0.9, ThresholdSweep.of(scores, labels).thresholds()[0]);
    }

    private static double pairwiseAuroc(double[] scores, boolean[] labels) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            for (int j = 0; j < scores.length; j++) {
                if (labels[i] && !labels[j]) {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }
        return wins / pairs;
    }

    private static double trapezoidArea(RocCurve roc) {
        double[] x = roc.falsePositiveRates();
        double[] y = roc.truePositiveRates();
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }
}
