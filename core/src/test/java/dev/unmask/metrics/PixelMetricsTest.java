package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PixelMetricsTest {
    /** Expectations are short sums of simple fractions: a few ulps of rounding at most. */
    private static final double EXACT = 1e-15;

    /*
     * Two images, pooled: positives 0.9, 0.4, 0.2; negatives 0.1, 0.7 (floats, compared as such).
     * Descending: 0.9+ 0.7- 0.4+ 0.2+ 0.1-; TP 1 1 2 3 3; FP 0 1 1 1 2; P = 3.
     */
    private static final List<float[]> MAPS = List.of(new float[] {0.9f, 0.1f, 0.4f}, new float[] {0.7f, 0.2f});
    private static final List<boolean[]> MASKS = List.of(new boolean[] {true, false, true}, new boolean[] {false, true});

    @Test
    void pixelAurocPoolsPixelsOfAllImages() {
        // 0.9 beats both negatives, 0.4 and 0.2 beat only 0.1: 4 of 6 pairs
        assertEquals(4.0 / 6, PixelMetrics.auroc(MAPS, MASKS), EXACT);
    }

    @Test
    void pixelAveragePrecision() {
        // recall steps of 1/3 at precision 1 (0.9), 2/3 (0.4), 3/4 (0.2)
        assertEquals(1.0 / 3 + 2.0 / 9 + 1.0 / 4, PixelMetrics.averagePrecision(MAPS, MASKS), EXACT);
    }

    @Test
    void bestDiceSearchesEveryThreshold() {
        // Dice = 2 TP / (TP + FP + P): 2/4, 2/5, 4/6, 6/7, 6/8
        BestF1 best = PixelMetrics.bestDice(MAPS, MASKS);
        assertEquals(6.0 / 7, best.f1(), EXACT);
        assertEquals(0.2f, best.threshold());
        assertEquals(4.0 / 6, PixelMetrics.diceAt(MAPS, MASKS, 0.4f), EXACT);
        assertEquals(best.f1(), PixelMetrics.diceAt(MAPS, MASKS, best.threshold()), EXACT);
    }

    @Test
    void emptyPredictionAndEmptyMaskGiveDiceZero() {
        assertEquals(0, PixelMetrics.diceAt(List.of(new float[] {0.1f}), List.of(new boolean[] {false}), 0.5));
    }

    @Test
    void badMapsAreRejected() {
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> PixelMetrics.auroc(List.of(new float[] {0.1f, 0.2f}), List.of(new boolean[] {true})));
        assertTrue(length.getMessage().contains("map 0 has 2 pixels but its mask has 1"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PixelMetrics.auroc(MAPS, List.of(MASKS.get(0))));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> PixelMetrics.auroc(List.of(new float[] {Float.NaN, 0}), List.of(new boolean[] {true, false})));
        assertTrue(nan.getMessage().contains("map 0 pixel 0 is NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PixelMetrics.auroc(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> PixelMetrics.bestDice(List.of(new float[] {0.3f}), List.of(new boolean[] {false})));
        assertThrows(IllegalArgumentException.class,
                () -> PixelMetrics.auroc(List.of(new float[] {0.3f}), List.of(new boolean[] {true})));
    }
}
