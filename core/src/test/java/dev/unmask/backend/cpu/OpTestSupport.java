package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Data makers and comparisons shared by the op tests. */
final class OpTestSupport {
    /**
     * Ops that accumulate in double and round once to float are within half an ulp of the exact value,
     * so a relative error of 2^-23 covers them; 1e-6 leaves room for a second rounding in exp/log.
     */
    static final double ROUNDED_ONCE = 1e-6;

    private OpTestSupport() {
    }

    /** Uniform values in [-1, 1). */
    static float[] uniform(Random random, int n) {
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = random.nextFloat() * 2 - 1;
        }
        return data;
    }

    static Tensor tensor(Backend backend, float[] data, int... dims) {
        return backend.fromFloats(data, Shape.of(dims));
    }

    static Tensor random(Backend backend, Random random, int... dims) {
        return backend.fromFloats(uniform(random, Shape.of(dims).numel()), Shape.of(dims));
    }

    /** {@code sum a_i b_i} in double. */
    static double dot(float[] a, float[] b) {
        assertEquals(a.length, b.length, "dot of arrays of different lengths");
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }

    /** {@code sum |a_i b_i|}: the scale against which rounding errors of a dot product are measured. */
    static double absDot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((double) a[i] * b[i]);
        }
        return sum;
    }

    /** Checks {@code |expected - actual| <= tolerance * max(1, |expected|)} elementwise, naming the first miss. */
    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double bound = tolerance * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i] + " (tolerance " + bound + ")");
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        assertClose(e, actual, tolerance, what);
    }

    /** Checks that two sides of an adjoint identity agree up to rounding of the sum's terms. */
    static void assertAdjoint(double left, double right, double scale, String what) {
        // each side sums float-rounded terms; 1e-6 of the sum of magnitudes bounds that rounding
        assertTrue(Math.abs(left - right) <= 1e-6 * scale,
                what + ": " + left + " vs " + right + " (scale " + scale + ")");
    }

    static <T extends Throwable> void assertThrowsNaming(Class<T> type, String op, Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            assertTrue(type.isInstance(t), "expected " + type.getSimpleName() + " from " + op + ", got " + t);
            assertTrue(t.getMessage() != null && t.getMessage().contains(op),
                    "message should name " + op + ": " + t.getMessage());
            return;
        }
        fail(op + ": expected " + type.getSimpleName());
    }
}
