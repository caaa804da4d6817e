package dev.unmask.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PercentileTest {
    /** Expectations are one interpolation step between small numbers: exact up to a few ulps. */
    private static final double EXACT = 1e-15;

    @Test
    void linearInterpolationBetweenClosestRanks() {
        double[] values = {4, 1, 3, 2};
        // h = 3 q / 100
        assertEquals(1, Percentile.of(values, 0));
        assertEquals(1.75, Percentile.of(values, 25), EXACT);
        assertEquals(2.5, Percentile.of(values, 50), EXACT);
        assertEquals(3.7, Percentile.of(values, 90), EXACT);
        assertEquals(4, Percentile.of(values, 100));
        assertArrayEquals(new double[] {4, 1, 3, 2}, values);
    }

    @Test
    void tiesAndSingleValues() {
        assertEquals(2, Percentile.of(new double[] {2, 2, 2, 5}, 60), EXACT);
        assertEquals(7, Percentile.of(new double[] {7}, 98));
        assertEquals(1.5, Percentile.of(new float[] {1, 2}, 50), EXACT);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1}, 101));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1}, -1));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1}, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Percentile.of(new double[] {1, Double.NaN}, 50));
    }
}
