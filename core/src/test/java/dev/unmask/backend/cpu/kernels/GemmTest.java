package dev.unmask.backend.cpu.kernels;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Both kernel implementations against a double-precision triple loop, on sizes that hit every tail. */
class GemmTest {
    /** Float sums of up to ~1000 products of values in [-1, 1], against double: relative error ~ depth * 2^-24. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    static List<FloatKernels> implementations() {
        List<FloatKernels> all = new ArrayList<>();
        all.add(new ScalarFloatKernels());
        FloatKernels vector = KernelProvider.vectorKernelsOrNull();
        assertNotNull(vector, "tests run with --add-modules jdk.incubator.vector, so the SIMD kernels must load");
        all.add(vector);
        return all;
    }

    @Test
    void matchesTripleLoopOnAwkwardSizesAndTransposes() {
        int[][] sizes = {{1, 1, 1}, {13, 31, 33}, {33, 13, 1}, {7, 300, 260}, {97, 65, 257}, {6, 32, 5}, {100, 2100, 3}};
        SplittableRandom rnd = new SplittableRandom(7);
        for (FloatKernels k : implementations()) {
            for (int[] s : sizes) {
                for (int t = 0; t < 4; t++) {
                    check(k, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, rnd);
                }
            }
        }
    }

    @Test
    void largeOddSquare() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (FloatKernels k : implementations()) {
            check(k, 1025, 1023, 129, false, false, rnd);
        }
    }

    @Test
    void accumulateAddsToExistingValues() {
        FloatKernels k = KernelProvider.kernels();
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = {1, 1, 1, 1};
        Gemm.multiply(k, 2, 2, 2, a, 0, 2, 1, b, 0, 2, 1, c, 0, 2, true);
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]], by hand
        assertEquals(20f, c[0]);
        assertEquals(23f, c[1]);
        assertEquals(44f, c[2]);
        assertEquals(51f, c[3]);
    }

    private static void check(FloatKernels k, int m, int n, int depth, boolean ta, boolean tb, SplittableRandom rnd) {
        float[] a = random(m * depth, rnd);
        float[] b = random(depth * n, rnd);
        int ldc = n + 3;
        float[] c = new float[m * ldc];
        java.util.Arrays.fill(c, 42f);
        int aRow = ta ? 1 : depth;
        int aCol = ta ? m : 1;
        int bRow = tb ? 1 : n;
        int bCol = tb ? depth : 1;
        Gemm.multiply(k, m, n, depth, a, 0, aRow, aCol, b, 0, bRow, bCol, c, 0, ldc, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double want = 0;
                double scale = 0;
                for (int p = 0; p < depth; p++) {
                    double prod = (double) a[i * aRow + p * aCol] * b[p * bRow + j * bCol];
                    want += prod;
                    scale += Math.abs(prod);
                }
                float got = c[i * ldc + j];
                if (Math.abs(got - want) > RELATIVE_TOLERANCE * (scale + 1e-30)) {
                    throw new AssertionError(k.getClass().getSimpleName() + " " + m + "x" + n + "x" + depth
                            + " ta=" + ta + " tb=" + tb + " at (" + i + "," + j + "): " + got + " vs " + want);
                }
            }
            for (int j = n; j < ldc; j++) {
                assertEquals(42f, c[i * ldc + j], "padding column written");
            }
        }
    }

    static float[] random(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
