package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfusionCountsTest {
    /** Expectations are single divisions of small integers: exact up to one rounding. */
    private static final double EXACT = 1e-15;

    private static final double[] SCORES = {0.5, 0.9, 0.2, 0.8, 0.5, 0.8, 0.5};
    private static final boolean[] LABELS = {true, true, false, true, false, false, false};

    @Test
    void scoreEqualToTheThresholdIsPositive() {
        // >= 0.5: 0.9+, 0.8+, 0.8-, 0.5+, 0.5-, 0.5- ; below: 0.2-
        ConfusionCounts c = ConfusionCounts.at(SCORES, LABELS, 0.5);
        assertEquals(new ConfusionCounts(3, 3, 1, 0), c);
        assertEquals(0.5, c.precision(), EXACT);
        assertEquals(1, c.recall(), EXACT);
        assertEquals(4.0 / 7, c.accuracy(), EXACT);
        assertEquals(6.0 / 9, c.f1(), EXACT);
        assertEquals(c, BinaryMetrics.atThreshold(SCORES, LABELS, 0.5));
    }

    @Test
    void justAboveATiedScoreFlipsTheWholeTieGroup() {
        ConfusionCounts c = ConfusionCounts.at(SCORES, LABELS, Math.nextUp(0.5));
        assertEquals(new ConfusionCounts(2, 1, 3, 1), c);
        assertEquals(2.0 / 3, c.precision(), EXACT);
        assertEquals(2.0 / 3, c.recall(), EXACT);
        assertEquals(5.0 / 7, c.accuracy(), EXACT);
        assertEquals(4.0 / 6, c.f1(), EXACT);
    }

    @Test
    void zeroDenominatorsGiveZero() {
        ConfusionCounts nothingPredicted = ConfusionCounts.at(SCORES, LABELS, Double.POSITIVE_INFINITY);
        assertEquals(new ConfusionCounts(0, 0, 4, 3), nothingPredicted);
        assertEquals(0, nothingPredicted.precision());
        assertEquals(0, nothingPredicted.f1());
        ConfusionCounts noPositives = ConfusionCounts.at(new double[] {0.1, 0.2}, new boolean[] {false, false}, 0.5);
        assertEquals(0, noPositives.recall());
        assertEquals(0, noPositives.f1());
        assertEquals(1, noPositives.accuracy());
        assertEquals(new ConfusionCounts(3, 4, 0, 0), ConfusionCounts.at(SCORES, LABELS, Double.NEGATIVE_INFINITY));
    }

    @Test
    void pixelCountsPoolAllMaps() {
        List<float[]> maps = List.of(new float[] {0.9f, 0.1f, 0.4f}, new float[] {0.7f, 0.2f});
        List<boolean[]> masks = List.of(new boolean[] {true, false, true}, new boolean[] {false, true});
        assertEquals(new ConfusionCounts(2, 1, 1, 1), ConfusionCounts.atMaps(maps, masks, 0.4f));
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ConfusionCounts.at(SCORES, LABELS, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ConfusionCounts.at(new double[] {1}, new boolean[] {true, false}, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConfusionCounts(-1, 0, 0, 0));
    }
}
