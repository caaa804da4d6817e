package dev.unmask.backend.cpu;

import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused CPU kernels (vqNearest, causal attention forward and backward, minAvgPool) against plain
 * double-precision oracles written here: brute-force distances, a full softmax per row, central finite
 * differences of the attention output, and direct pooling windows.
 */
class CpuFusedKernelsTest {
    /** Attention outputs are convex combinations of values in [-1, 1]; float exp and sums: a few 1e-6. */
    private static final double ATTENTION_TOLERANCE = 2e-5;
    /** Central differences (step 1e-3) of the double oracle at float inputs: O(step^2) truncation plus the float kernel's error. */
    private static final double GRADIENT_TOLERANCE = 1e-3;
    /** 49-term float sums of values in [0, 1] against double. */
    private static final double POOL_TOLERANCE = 1e-6;

    private final CpuBackend cpu = new CpuBackend();

    @Test
    void vqNearestPicksTheLowestOfExactDuplicatesAndMatchesBruteForce() {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int[] s : new int[][] {{1, 1, 1}, {13, 31, 33}, {200, 64, 512}, {130, 3, 7}}) {
            int n = s[0];
            int d = s[1];
            int codes = s[2];
            float[] book = CpuConvolutionTest.random(codes * d, rnd);
            // every third code duplicates an earlier one: the earlier must win
            for (int c = 3; c < codes; c += 3) {
                System.arraycopy(book, (c / 3) * d, book, c * d, d);
            }
            float[] z = CpuConvolutionTest.random(n * d, rnd);
            // some vectors sit exactly on a code (distance 0, possibly shared with its duplicates)
            for (int i = 0; i < n; i += 5) {
                int c = rnd.nextInt(codes);
                System.arraycopy(book, c * d, z, i * d, d);
            }
            int[] got = cpu.vqNearest(cpu.fromFloats(z, Shape.of(n, d)), cpu.fromFloats(book, Shape.of(codes, d))).toIntArray();
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bestDist = Double.POSITIVE_INFINITY;
                for (int c = 0; c < codes; c++) {
                    double dist = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = (double) z[i * d + j] - book[c * d + j];
                        dist += diff * diff;
                    }
                    if (dist < bestDist) {
                        bestDist = dist;
                        best = c;
                    }
                }
                double gotDist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (double) z[i * d + j] - book[got[i] * d + j];
                    gotDist += diff * diff;
                }
                // a different index is only acceptable for a float-level near-tie
                if (got[i] != best) {
                    assertEquals(bestDist, gotDist, 1e-5 * (1 + bestDist), "vector " + i + " of " + n + "x" + d + "x" + codes);
                }
                int duplicateOf = got[i] >= 3 && got[i] % 3 == 0 ? got[i] / 3 : -1;
                assertEquals(-1, duplicateOf, "vector " + i + " picked code " + got[i] + ", a duplicate of a lower code");
            }
        }
    }

    @Test
    void attentionForwardMatchesFullSoftmax() {
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] s : new int[][] {{1, 1, 1, 1, 1}, {2, 3, 13, 4, 5}, {1, 2, 1100, 8, 8}}) {
            int b = s[0];
            int h = s[1];
            int l = s[2];
            int dk = s[3];
            int dv = s[4];
            float[] q = CpuConvolutionTest.random(b * h * l * dk, rnd);
            float[] k = CpuConvolutionTest.random(b * h * l * dk, rnd);
            float[] v = CpuConvolutionTest.random(b * h * l * dv, rnd);
            // an outlier score so the online maximum must grow inside a row
            q[q.length - 1] = 8f;
            float scale = 1.3f;
            AttentionResult r = cpu.causalAttention(cpu.fromFloats(q, Shape.of(b, h, l, dk)),
                    cpu.fromFloats(k, Shape.of(b, h, l, dk)), cpu.fromFloats(v, Shape.of(b, h, l, dv)), scale);
            float[] out = r.out().toFloatArray();
            float[] lse = r.logSumExp().toFloatArray();
            double[] want = new double[dv + 1];
            for (int bh = 0; bh < b * h; bh++) {
                for (int i = 0; i < l; i++) {
                    attentionRow(q, k, v, bh, i, l, dk, dv, scale, want);
                    for (int d = 0; d < dv; d++) {
                        assertEquals(want[d], out[(bh * l + i) * dv + d], ATTENTION_TOLERANCE, "out " + bh + "," + i + "," + d);
                    }
                    assertEquals(want[dv], lse[bh * l + i], ATTENTION_TOLERANCE * (1 + Math.abs(want[dv])), "lse " + bh + "," + i);
                }
            }
        }
    }

    @Test
    void attentionBackwardMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(41);
        int b = 1;
        int h = 2;
        int l = 9;
        int dk = 3;
        int dv = 4;
        float scale = 0.7f;
        float[] q = CpuConvolutionTest.random(b * h * l * dk, rnd);
        float[] k = CpuConvolutionTest.random(b * h * l * dk, rnd);
        float[] v = CpuConvolutionTest.random(b * h * l * dv, rnd);
        float[] g = CpuConvolutionTest.random(b * h * l * dv, rnd);
        Tensor qt = cpu.fromFloats(q, Shape.of(b, h, l, dk));
        Tensor kt = cpu.fromFloats(k, Shape.of(b, h, l, dk));
        Tensor vt = cpu.fromFloats(v, Shape.of(b, h, l, dv));
        AttentionResult fwd = cpu.causalAttention(qt, kt, vt, scale);
        AttentionGradients grads = cpu.causalAttentionBackward(qt, kt, vt, scale, fwd, cpu.fromFloats(g, Shape.of(b, h, l, dv)));
        float[][] inputs = {q, k, v};
        float[][] got = {grads.query().toFloatArray(), grads.key().toFloatArray(), grads.value().toFloatArray()};
        double step = 1e-3;
        for (int which = 0; which < 3; which++) {
            float[] x = inputs[which];
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                x[i] = (float) (saved + step);
                double plus = loss(q, k, v, g, b * h, l, dk, dv, scale);
                x[i] = (float) (saved - step);
                double minus = loss(q, k, v, g, b * h, l, dk, dv, scale);
                x[i] = saved;
                double numeric = (plus - minus) / ((float) (saved + step) - (float) (saved - step));
                assertEquals(numeric, got[which][i], GRADIENT_TOLERANCE, "gradient " + which + " element " + i);
            }
        }
    }

    @Test
    void minAvgPoolMatchesDirectWindows() {
        SplittableRandom rnd = new SplittableRandom(51);
        for (int[] s : new int[][] {{1, 1, 1, 1}, {2, 3, 13, 31}, {1, 1, 33, 8}}) {
            int maps = s[0] * s[1];
            int h = s[2];
            int w = s[3];
            float[] x = new float[maps * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            // a constant block: min and average of constant windows must give the constant back
            for (int y = 0; y < Math.min(h, 10); y++) {
                for (int xx = 0; xx < Math.min(w, 10); xx++) {
                    x[y * w + xx] = 0.25f;
                }
            }
            float[] got = cpu.minAvgPool(cpu.fromFloats(x, Shape.of(s[0], s[1], h, w)), 3, 7).toFloatArray();
            for (int m = 0; m < maps; m++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double sum = 0;
                        for (int i = y - 3; i <= y + 3; i++) {
                            for (int j = xx - 3; j <= xx + 3; j++) {
                                if (i >= 0 && i < h && j >= 0 && j < w) {
                                    double min = Double.POSITIVE_INFINITY;
                                    for (int a = Math.max(0, i - 1); a <= Math.min(h - 1, i + 1); a++) {
                                        for (int c = Math.max(0, j - 1); c <= Math.min(w - 1, j + 1); c++) {
                                            min = Math.min(min, x[(m * h + a) * w + c]);
                                        }
                                    }
                                    sum += min;
                                }
                            }
                        }
                        assertEquals(sum / 49, got[(m * h + y) * w + xx], POOL_TOLERANCE, "map " + m + " at " + y + "," + xx);
                    }
                }
            }
            if (h >= 10 && w >= 10) {
                assertEquals(0.25f, got[5 * w + 5], 0f, "constant window");
            }
        }
        assertArrayEquals(new float[] {1f / 49}, cpu.minAvgPool(cpu.fromFloats(new float[] {1f}, Shape.of(1, 1, 1, 1)), 3, 7).toFloatArray(), 0f);
    }

    @Test
    void minAvgPoolKeepsNanAndInfinityInsideTheirWindows() {
        int h = 20;
        int w = 24;
        float[] x = new float[h * w];
        SplittableRandom rnd = new SplittableRandom(52);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        x[5 * w + 3] = Float.NaN;
        x[14 * w + 20] = Float.NEGATIVE_INFINITY;
        Tensor input = cpu.fromFloats(x, Shape.of(1, 1, h, w));
        float[] got = cpu.minAvgPool(input, 3, 7).toFloatArray();
        float[] want = new ReferenceBackend().minAvgPool(input.to(new ReferenceBackend()), 3, 7).toFloatArray();
        for (int i = 0; i < got.length; i++) {
            if (Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                assertEquals(want[i], got[i], 0f, "non-finite output at " + i);
            } else {
                assertEquals(want[i], got[i], POOL_TOLERANCE, "finite output at " + i + " must not see the far NaN or infinity");
            }
        }
    }

    /** Row i of one head in double: the output (want[0..dv)) and the log-sum-exp (want[dv]). */
    private static void attentionRow(float[] q, float[] k, float[] v, int bh, int i, int l, int dk, int dv, float scale,
                                     double[] want) {
        java.util.Arrays.fill(want, 0);
        if (i == 0) {
            return;
        }
        double[] s = new double[i];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < i; j++) {
            double dot = 0;
            for (int d = 0; d < dk; d++) {
                dot += (double) q[(bh * l + i) * dk + d] * k[(bh * l + j) * dk + d];
            }
            s[j] = scale * dot;
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < i; j++) {
            sum += Math.exp(s[j] - max);
        }
        for (int j = 0; j < i; j++) {
            double p = Math.exp(s[j] - max) / sum;
            for (int d = 0; d < dv; d++) {
                want[d] += p * v[(bh * l + j) * dv + d];
            }
        }
        want[dv] = max + Math.log(sum);
    }

    private static double loss(float[] q, float[] k, float[] v, float[] g, int heads, int l, int dk, int dv, float scale) {
        double[] row = new double[dv + 1];
        double total = 0;
        for (int bh = 0; bh < heads; bh++) {
            for (int i = 0; i < l; i++) {
                attentionRow(q, k, v, bh, i, l, dk, dv, scale, row);
                for (int d = 0; d < dv; d++) {
                    total += row[d] * g[(bh * l + i) * dv + d];
                }
            }
        }
        return total;
    }
}
