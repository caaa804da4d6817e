package dev.unmask.backend.cpu.kernels;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FloatExp} against the double-precision functions of {@link Math} rounded to float, and the kernels'
 * ELU and sigmoid (scalar and Vector API) against {@link FloatExp} bit for bit at every position.
 */
class FloatExpTest {
    /** expm1, exp and ELU: measured worst cases 0.9, 1.1 and 1.8 ulp (a float Horner polynomial and a scaling). */
    private static final double ULPS = 2;
    /** The sigmoid adds a division and a sum to exp's error: measured worst case 2.4 ulp. */
    private static final double SIGMOID_ULPS = 3;
    /** Where the exact result is subnormal: off by at most one subnormal step. */
    private static final float SUBNORMAL_STEP = Float.MIN_VALUE;
    private static final int[] LENGTHS = {1, 7, 8, 15, 16, 17, 31, 33, 1025};

    @Test
    void matchesTheDoubleFunctionsRoundedToFloat() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 2_000_000; i++) {
            // uniform over the whole range, then log-uniform down to 1e-12 where expm1 must keep its relative accuracy
            float a = i % 2 == 0 ? (float) (-rnd.nextDouble() * 25) : (float) -Math.exp(rnd.nextDouble() * 30 - 27.6);
            assertClose(Math.expm1(a), FloatExp.expm1(a), ULPS, "expm1(" + a + ")");
            assertClose(0.7 * Math.expm1(a), FloatExp.elu(a, 0.7f), ULPS, "elu(" + a + ")");
            float b = (float) (-rnd.nextDouble() * 110);
            assertClose(Math.exp(b), FloatExp.exp(b), ULPS, "exp(" + b + ")");
            float x = (float) (rnd.nextDouble() * 240 - 120);
            assertClose(1 / (1 + Math.exp(-(double) x)), FloatExp.sigmoid(x), SIGMOID_ULPS, "sigmoid(" + x + ")");
        }
    }

    @Test
    void specialValues() {
        assertTrue(Float.isNaN(FloatExp.expm1(Float.NaN)));
        assertTrue(Float.isNaN(FloatExp.exp(Float.NaN)));
        assertTrue(Float.isNaN(FloatExp.sigmoid(Float.NaN)));
        assertTrue(Float.isNaN(FloatExp.elu(Float.NaN, 1f)));
        assertEquals(-1f, FloatExp.expm1(Float.NEGATIVE_INFINITY));
        assertEquals(0f, FloatExp.expm1(0f));
        assertEquals(1e-30f, -FloatExp.expm1(-1e-30f), 0f, "expm1 of a tiny argument is the argument");
        assertEquals(0f, FloatExp.exp(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatExp.exp(0f));
        assertEquals(1f, FloatExp.exp(-0f));
        assertEquals(0.5f, FloatExp.sigmoid(0f));
        assertEquals(0.5f, FloatExp.sigmoid(-0f));
        assertEquals(1f, FloatExp.sigmoid(Float.POSITIVE_INFINITY));
        assertEquals(0f, FloatExp.sigmoid(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatExp.sigmoid(Float.MAX_VALUE));
        assertEquals(Float.POSITIVE_INFINITY, FloatExp.elu(Float.POSITIVE_INFINITY, 0.7f));
        assertEquals(-0.7f, FloatExp.elu(Float.NEGATIVE_INFINITY, 0.7f));
        assertEquals(3e38f, FloatExp.elu(3e38f, 0.7f));
    }

    @Test
    void kernelsGiveTheScalarValueAtEveryPosition() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f,
                -19.9f, -20.1f, -87.5f, -104f, -109.9f, -200f, 100f, 3e38f, -3e38f};
        for (FloatKernels k : GemmTest.implementations()) {
            for (int n : LENGTHS) {
                float[] x = new float[n + 5];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)] : (float) (rnd.nextGaussian() * 6);
                }
                String name = k.getClass().getSimpleName() + " n=" + n;
                float[] elu = new float[x.length];
                float[] sigmoid = new float[x.length];
                Arrays.fill(elu, 42f);
                Arrays.fill(sigmoid, 42f);
                k.elu(x, 0.3f, elu, 3, 3 + n);
                k.sigmoid(x, sigmoid, 3, 3 + n);
                for (int i = 0; i < x.length; i++) {
                    boolean inside = i >= 3 && i < 3 + n;
                    assertEquals(inside ? FloatExp.elu(x[i], 0.3f) : 42f, elu[i], 0f, name + " elu at " + i + ", x " + x[i]);
                    assertEquals(inside ? FloatExp.sigmoid(x[i]) : 42f, sigmoid[i], 0f,
                            name + " sigmoid at " + i + ", x " + x[i]);
                    if (inside) {
                        assertEquals(Float.floatToIntBits(FloatExp.elu(x[i], 0.3f)), Float.floatToIntBits(elu[i]),
                                name + " elu's sign of zero at " + i);
                    }
                }
            }
        }
    }

    private static void assertClose(double exact, float got, double ulps, String what) {
        float want = (float) exact;
        double tolerance = Math.abs(want) < Float.MIN_NORMAL ? SUBNORMAL_STEP : ulps * Math.ulp(want);
        assertEquals(exact, got, tolerance, what);
    }
}
