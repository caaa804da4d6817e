package dev.unmask.backend.cpu.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The scalar and Vector API kernels against each other and against double-precision loops, on lengths
 * that hit every vector tail, at offsets that are not vector-aligned.
 */
class FloatKernelsTest {
    private static final int[] LENGTHS = {1, 4, 6, 8, 13, 16, 25, 31, 32, 33, 47, 48, 49, 1023, 1025, 4098};
    /** Float sums of n products of values in [-1, 1]: error below n * 2^-24 * sum|terms|, here loosely. */
    private static final double SUM_TOLERANCE = 1e-6;
    /** FloatExp's exp differs from Math.exp by about an ulp. */
    private static final double EXP_RELATIVE_TOLERANCE = 1e-6;

    @Test
    void dotAxpyMaxAndExpOnEveryTail() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (FloatKernels k : GemmTest.implementations()) {
            for (int n : LENGTHS) {
                float[] x = GemmTest.random(n + 3, rnd);
                float[] y = GemmTest.random(n + 5, rnd);
                String name = k.getClass().getSimpleName() + " n=" + n;

                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += (double) x[i + 3] * y[i + 5];
                }
                assertEquals(dot, k.dot(x, 3, y, 5, n), SUM_TOLERANCE * n, name + " dot");

                float[] z = y.clone();
                k.axpy(0.75f, x, 3, z, 5, n);
                for (int i = 0; i < y.length; i++) {
                    float want = i < 5 ? y[i] : (float) (y[i] + 0.75 * x[i - 2]);
                    assertEquals(want, z[i], 1e-6, name + " axpy at " + i);
                }

                float[] m = x.clone();
                m[3 + n / 2] = 5f;
                m[0] = 9f;
                assertEquals(5f, k.max(m, 3, n), 0f, name + " max");

                float[] e = x.clone();
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += Math.exp(x[i + 3] - 0.5);
                }
                float gotSum = k.expShiftSum(e, 3, n, 0.5f);
                assertEquals(sum, gotSum, EXP_RELATIVE_TOLERANCE * sum + SUM_TOLERANCE * n, name + " exp sum");
                for (int i = 0; i < n; i++) {
                    double want = Math.exp(x[i + 3] - 0.5);
                    assertEquals(want, e[i + 3], EXP_RELATIVE_TOLERANCE * want, name + " exp at " + i);
                    // FloatExp's bits at every position, lanes and tail alike, compiled or not
                    assertEquals(Float.floatToRawIntBits(FloatExp.exp(x[i + 3] - 0.5f)), Float.floatToRawIntBits(e[i + 3]),
                            name + " exp bits at " + i);
                }
                assertEquals(x[0], e[0], 0f, name + " exp wrote before the range");

                // ReLU's backward over [3, 3 + n): signs mixed, zeros, NaN x, and infinite gradients at x <= 0
                float[] xs = x.clone();
                float[] gs = y.clone();
                xs[3] = 0f;
                xs[xs.length - 1] = Float.NaN;
                gs[gs.length - 1] = 7f;
                if (n > 2) {
                    xs[4] = -0.5f;
                    gs[4] = Float.POSITIVE_INFINITY;
                }
                float[] out = new float[xs.length];
                java.util.Arrays.fill(out, -9f);
                k.reluBackward(gs, xs, out, 3, 3 + n);
                for (int i = 0; i < out.length; i++) {
                    float want = i < 3 || i >= 3 + n ? -9f : xs[i] > 0 ? gs[i] : 0f;
                    assertEquals(want, out[i], 0f, name + " reluBackward at " + i);
                }

                // ELU's backward over the same range, y = elu(x, 0.7) written in float
                float[] ys = new float[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    ys[i] = xs[i] > 0 ? xs[i] : (float) (0.7 * Math.expm1(xs[i]));
                }
                java.util.Arrays.fill(out, -9f);
                k.eluBackward(gs, xs, ys, 0.7f, out, 3, 3 + n);
                for (int i = 0; i < out.length; i++) {
                    float want = i < 3 || i >= 3 + n ? -9f : xs[i] > 0 ? gs[i] : gs[i] * (ys[i] + 0.7f);
                    assertEquals(want, out[i], 0f, name + " eluBackward at " + i);
                }
            }
        }
    }

    @Test
    void transposeMovesEveryElementOfTheBlockAndNothingElse() {
        SplittableRandom rnd = new SplittableRandom(29);
        int[][] layouts = {{0, 16, 0, 16}, {5, 37, 3, 128}, {1, 1024, 7, 19}};   // srcOff, srcStride, dstOff, dstStride
        for (FloatKernels k : GemmTest.implementations()) {
            for (int[] l : layouts) {
                float[] src = GemmTest.random(l[0] + 15 * l[1] + 16 + 3, rnd);
                float[] dst = new float[l[2] + 15 * l[3] + 16 + 3];
                java.util.Arrays.fill(dst, Float.NaN);
                float[] before = dst.clone();
                k.transpose16(src, l[0], l[1], dst, l[2], l[3]);
                boolean[] written = new boolean[dst.length];
                for (int i = 0; i < 16; i++) {
                    for (int j = 0; j < 16; j++) {
                        int at = l[2] + j * l[3] + i;
                        assertEquals(src[l[0] + i * l[1] + j], dst[at], 0f,
                                k.getClass().getSimpleName() + " " + java.util.Arrays.toString(l) + " (" + i + ", " + j + ")");
                        written[at] = true;
                    }
                }
                for (int at = 0; at < dst.length; at++) {
                    if (!written[at]) {
                        assertEquals(before[at], dst[at], 0f, "wrote outside the block at " + at);
                    }
                }
            }
        }
    }

    /**
     * The vector kernels' sums in the order they promise, simulated here in plain Java: lanes accumulate their
     * blocks, the lanes are added as a butterfly (lane i plus lane i ^ b, b halving from L / 2), then the tail.
     * A fixed order makes a sum the same bits whether the JIT has compiled the kernel or not; the Vector API's
     * own {@code reduceLanes(ADD)} leaves the order open (JDK 25's compiled code and its interpreter differ).
     */
    @Test
    void vectorSumsAddTheLanesInTheirFixedOrder() {
        FloatKernels k = KernelProvider.vectorKernelsOrNull();
        assumeTrue(k != null, "jdk.incubator.vector is not loaded");
        int lanes = k.directWidth() / 2;
        SplittableRandom rnd = new SplittableRandom(23);
        for (int n : LENGTHS) {
            float[] x = GemmTest.random(n, rnd);
            float[] v = GemmTest.random(4 * n, rnd);
            int blocks = n / lanes * lanes;
            // lane accumulators of: 0 dot(x, v), 1-4 weightedSums' four rows of v against x, 5 expShiftSum(x, 1)
            float[][] acc = new float[6][lanes];
            for (int i = 0; i < blocks; i++) {
                acc[0][i % lanes] = Math.fma(x[i], v[i], acc[0][i % lanes]);
                acc[5][i % lanes] += FloatExp.exp(x[i] - 1f);
                for (int r = 0; r < 4; r++) {
                    acc[1 + r][i % lanes] = Math.fma(v[r * n + i], x[i], acc[1 + r][i % lanes]);
                }
            }
            float[] want = new float[6];
            for (int r = 0; r < 6; r++) {
                want[r] = butterfly(acc[r]);
            }
            for (int i = blocks; i < n; i++) {
                want[0] += x[i] * v[i];
                for (int r = 0; r < 4; r++) {
                    want[1 + r] += x[i] * v[r * n + i];
                }
                want[5] += FloatExp.exp(x[i] - 1f);
            }
            assertEquals(Float.floatToRawIntBits(want[0]), Float.floatToRawIntBits(k.dot(x, 0, v, 0, n)), "dot n=" + n);
            float[] sums = new float[4];
            k.weightedSums(x, n, v, n, 0, 4, sums, 0);
            for (int r = 0; r < 4; r++) {
                assertEquals(Float.floatToRawIntBits(want[1 + r]), Float.floatToRawIntBits(sums[r]),
                        "weightedSums row " + r + " n=" + n);
            }
            assertEquals(Float.floatToRawIntBits(want[5]), Float.floatToRawIntBits(k.expShiftSum(x.clone(), 0, n, 1f)),
                    "expShiftSum n=" + n);
        }
    }

    private static float butterfly(float[] lanes) {
        float[] v = lanes.clone();
        for (int b = v.length / 2; b >= 1; b /= 2) {
            float[] next = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                next[j] = v[j] + v[j ^ b];
            }
            v = next;
        }
        return v[0];
    }

    @Test
    void attentionScoresAndWeightedSumsOnEveryTail() {
        SplittableRandom rnd = new SplittableRandom(19);
        int ld = 4100;
        for (FloatKernels k : GemmTest.implementations()) {
            for (int dim : new int[] {1, 3, 4, 8, 9}) {
                float[] t = GemmTest.random(dim * ld, rnd);
                float[] q = GemmTest.random(dim + 2, rnd);
                for (int n : LENGTHS) {
                    int j0 = 1;
                    String name = k.getClass().getSimpleName() + " dim=" + dim + " n=" + n;
                    float[] s = new float[n];
                    float max = k.scores(q, 2, dim, 0.5f, t, ld, j0, n, s);
                    double wantMax = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double want = 0;
                        for (int d = 0; d < dim; d++) {
                            want += 0.5 * q[2 + d] * t[d * ld + j0 + j];
                        }
                        assertEquals(want, s[j], SUM_TOLERANCE * dim, name + " score " + j);
                        wantMax = Math.max(wantMax, s[j]);
                    }
                    assertEquals(wantMax, max, 0f, name + " max score");
                    float[] out = new float[dim + 1];
                    out[0] = 42f;
                    k.weightedSums(s, n, t, ld, j0, dim, out, 1);
                    assertEquals(42f, out[0], 0f, name + " wrote before the range");
                    for (int d = 0; d < dim; d++) {
                        double want = 0;
                        for (int j = 0; j < n; j++) {
                            want += (double) s[j] * t[d * ld + j0 + j];
                        }
                        assertEquals(want, out[1 + d], SUM_TOLERANCE * n * dim, name + " weighted sum " + d);
                    }
                }
            }
        }
    }

    @Test
    void nearestCodeScoresAndCandidateScanOnEveryTail() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (FloatKernels k : GemmTest.implementations()) {
            for (int n : LENGTHS) {
                String name = k.getClass().getSimpleName() + " n=" + n;
                float[] dots = GemmTest.random(n + 2, rnd);
                float[] norms = GemmTest.random(n, rnd);
                dots[2 + n - 1] = Float.NaN;
                float[] x = dots.clone();
                float best = k.scoresFromDots(x, 2, norms, n);
                float want = Float.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    float s = norms[i] - 2f * dots[2 + i];
                    assertEquals(s, x[2 + i], 0f, name + " score " + i);
                    if (s < want) {
                        want = s;
                    }
                }
                assertEquals(want, best, 0f, name + " smallest non-NaN score");
                float limit = 0.1f;
                int from = n / 3;
                int expected = n;
                for (int i = from; i < n; i++) {
                    if (!(x[2 + i] > limit)) {
                        expected = i;
                        break;
                    }
                }
                assertEquals(expected, k.nextAtMost(x, 2, from, n, limit), name + " next candidate");
                assertEquals(n - 1, k.nextAtMost(x, 2, n - 1, n, Float.NEGATIVE_INFINITY), name + " NaN is a candidate");
            }
        }
    }
}
