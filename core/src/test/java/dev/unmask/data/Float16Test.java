package dev.unmask.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Float16Test {
    @Test
    void knownBitPatterns() {
        // values from the IEEE 754 binary16 table
        assertEquals((short) 0x3C00, Float16.fromFloat(1f));
        assertEquals((short) 0xC000, Float16.fromFloat(-2f));
        assertEquals((short) 0x3800, Float16.fromFloat(0.5f));
        assertEquals((short) 0x7BFF, Float16.fromFloat(65504f));
        assertEquals((short) 0x0400, Float16.fromFloat(0x1p-14f));
        assertEquals((short) 0x0001, Float16.fromFloat(0x1p-24f));
        assertEquals((short) 0x3555, Float16.fromFloat(1f / 3f));
        assertEquals((short) 0x7C00, Float16.fromFloat(65520f), "rounds up to infinity");
        assertEquals((short) 0x0000, Float16.fromFloat(0x1p-25f), "tie to even gives zero");
        assertEquals((short) 0x0002, Float16.fromFloat(0x1.8p-24f), "tie to even rounds 1.5 ulp up to 2");
        assertEquals((short) 0x3C00, Float16.fromFloat(1f + 0x1p-11f), "tie between 1 and 1+2^-10 goes to even");
        assertEquals((short) 0x3C01, Float16.fromFloat(1f + 0x1.8p-11f));
        assertEquals((short) 0x8000, Float16.fromFloat(-0f));
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xFC00));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(-1.5f, Float16.toFloat((short) 0xBE00));
    }

    @Test
    void everyFiniteHalfRoundTrips() {
        for (int h = 0; h < 0x10000; h++) {
            if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0) {
                continue;
            }
            assertEquals((short) h, Float16.fromFloat(Float16.toFloat((short) h)), "pattern " + Integer.toHexString(h));
        }
    }

    @Test
    void conversionPicksTheNearestHalf() {
        // oracle: brute-force nearest among all finite halves
        float[] halves = new float[0x7C00];
        for (int h = 0; h < 0x7C00; h++) {
            halves[h] = Float16.toFloat((short) h);
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 2000; n++) {
            float x = (float) Math.scalb(random.nextDouble(), random.nextInt(-26, 16));
            float got = Float16.toFloat(Float16.fromFloat(x));
            double best = Double.MAX_VALUE;
            for (float h : halves) {
                best = Math.min(best, Math.abs((double) h - x));
            }
            assertEquals(best, Math.abs((double) got - x), 0.0, "for " + x);
        }
    }
}
