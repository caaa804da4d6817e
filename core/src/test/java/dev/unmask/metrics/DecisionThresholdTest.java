package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecisionThresholdTest {
    @Test
    void percentileOfRealIgnoresFakes() {
        double[] scores = {10, 4, 2, 3, 1, 20};
        boolean[] labels = {true, false, false, false, false, true};
        DecisionThreshold t = DecisionThreshold.percentileOfReal(scores, labels, 50);
        assertEquals(new DecisionThreshold(2.5, DecisionThreshold.Method.PERCENTILE_OF_REAL, 50), t);
    }

    @Test
    void f1MaxOnAValidationSet() {
        double[] scores = {0.5, 0.9, 0.2, 0.8, 0.5, 0.8, 0.5};
        boolean[] labels = {true, true, false, true, false, false, false};
        DecisionThreshold t = DecisionThreshold.f1Max(scores, labels);
        assertEquals(0.8, t.value());
        assertEquals(DecisionThreshold.Method.F1_MAX, t.method());
    }

    @Test
    void manualAndBadInput() {
        assertEquals(new DecisionThreshold(3, DecisionThreshold.Method.MANUAL, Double.NaN), DecisionThreshold.manual(3));
        assertThrows(IllegalArgumentException.class, () -> DecisionThreshold.manual(Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> DecisionThreshold.percentileOfReal(new double[] {1, 2}, new boolean[] {true, true}, 50));
        assertThrows(IllegalArgumentException.class,
                () -> new DecisionThreshold(1, DecisionThreshold.Method.PERCENTILE_OF_REAL, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new DecisionThreshold(1, DecisionThreshold.Method.MANUAL, 50));
        assertThrows(IllegalArgumentException.class, () -> new DecisionThreshold(1, null, Double.NaN));
    }
}
