package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreNormaliserTest {
    /** Expectations are one division of small numbers: exact up to a few ulps. */
    private static final double EXACT = 1e-15;

    @Test
    void piecewiseLinearThroughMinThresholdMax() {
        ScoreNormaliser n = ScoreNormaliser.fit(new double[] {3, 0, 10, 6}, 4);
        assertEquals(new ScoreNormaliser(0, 4, 10), n);
        assertArrayEquals(new double[] {0, 0, 0.25, 0.5, 0.75, 1, 1},
                n.normalise(new double[] {-5, 0, 2, 4, 7, 10, 15}), EXACT);
        assertEquals(0, n.normalise(Double.NEGATIVE_INFINITY));
        assertEquals(1, n.normalise(Double.POSITIVE_INFINITY));
    }

    @Test
    void thresholdOutsideTheCalibrationRangeWidensIt() {
        ScoreNormaliser above = ScoreNormaliser.fit(new double[] {0, 10}, 12);
        assertEquals(new ScoreNormaliser(0, 12, 12), above);
        assertEquals(0.25, above.normalise(6), EXACT);
        assertEquals(0.5, above.normalise(12));
        assertEquals(1, above.normalise(12.5));
        ScoreNormaliser degenerate = ScoreNormaliser.fit(new double[] {5, 5}, 5);
        assertEquals(0, degenerate.normalise(4.9));
        assertEquals(0.5, degenerate.normalise(5));
        assertEquals(1, degenerate.normalise(5.1));
    }

    @Test
    void decisionsSurviveRounding() {
        // (nextDown(1) + 1e20) / (1 + 1e20) rounds to 1, which would map a sub-threshold score to 0.5
        ScoreNormaliser n = new ScoreNormaliser(-1e20, 1, 2);
        assertTrue(n.normalise(Math.nextDown(1.0)) < 0.5);
        assertEquals(0.5, n.normalise(1.0));
    }

    @Test
    void monotoneAndDecisionPreservingOnRandomScores() {
        Random random = new Random(11);
        double[] calibration = new double[50];
        for (int i = 0; i < calibration.length; i++) {
            calibration[i] = random.nextGaussian() * 3;
        }
        double threshold = Percentile.of(calibration, 90);
        ScoreNormaliser n = ScoreNormaliser.fit(calibration, threshold);
        double[] scores = new double[500];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = random.nextGaussian() * 5;
        }
        Arrays.sort(scores);
        double[] normalised = n.normalise(scores);
        for (int i = 0; i < scores.length; i++) {
            assertTrue(normalised[i] >= 0 && normalised[i] <= 1);
            assertEquals(scores[i] >= threshold, normalised[i] >= 0.5, "score " + scores[i]);
            if (i > 0) {
                assertTrue(normalised[i] >= normalised[i - 1]);
            }
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ScoreNormaliser.fit(new double[0], 1));
        assertThrows(IllegalArgumentException.class, () -> ScoreNormaliser.fit(new double[] {Double.NaN}, 1));
        assertThrows(IllegalArgumentException.class, () -> ScoreNormaliser.fit(new double[] {1}, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ScoreNormaliser(2, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> ScoreNormaliser.fit(new double[] {1}, 1).normalise(Double.NaN));
    }
}
