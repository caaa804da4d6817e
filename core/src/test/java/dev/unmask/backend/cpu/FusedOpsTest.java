package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.AdamParams;
import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.ops.VqStatistics;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.unmask.backend.cpu.OpTestSupport.ROUNDED_ONCE;
import static dev.unmask.backend.cpu.OpTestSupport.assertClose;
import static dev.unmask.backend.cpu.OpTestSupport.assertThrowsNaming;
import static dev.unmask.backend.cpu.OpTestSupport.random;
import static dev.unmask.backend.cpu.OpTestSupport.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Vector quantisation, causal attention and Adam against brute force, finite differences and the formulas. */
class FusedOpsTest {
    /**
     * Central differences in double with step 1e-6 of a smooth function: truncation error ~1e-12 and
     * cancellation ~1e-10, so the gap to the float-rounded analytic gradient is its rounding, below 1e-6.
     */
    private static final double FINITE_DIFFERENCE = 2e-6;

    /** Adam keeps m, v and the parameter as floats between steps: a few float roundings of values ~1. */
    private static final double ADAM = 1e-6;

    private final Backend backend = backend();

    /** The backend under test; subclasses run this suite against another backend. */
    protected Backend backend() {
        return new ReferenceBackend();
    }

    @Test
    void vqNearestMatchesBruteForceAndTiesToTheLowestIndex() {
        Random random = new Random(13);
        int n = 31;
        int codes = 13;
        int d = 5;
        float[] codebook = OpTestSupport.uniform(random, codes * d);
        System.arraycopy(codebook, 3 * d, codebook, 7 * d, d);
        System.arraycopy(codebook, 3 * d, codebook, 12 * d, d);
        float[] z = OpTestSupport.uniform(random, n * d);
        // vectors 0 and 5 sit exactly on the triplicated code 3 = 7 = 12; vector 9 is the origin and code
        // 1 = -code 0, so codes 0 and 1 are exactly equally far from it
        System.arraycopy(codebook, 7 * d, z, 0, d);
        System.arraycopy(codebook, 12 * d, z, 5 * d, d);
        for (int j = 0; j < d; j++) {
            codebook[d + j] = -codebook[j];
            z[9 * d + j] = 0;
        }
        int[] nearest = backend.vqNearest(tensor(backend, z, n, d), tensor(backend, codebook, codes, d)).toIntArray();
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int k = 0; k < codes; k++) {
                double distance = 0;
                for (int j = 0; j < d; j++) {
                    double diff = (double) z[i * d + j] - codebook[k * d + j];
                    distance += diff * diff;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = k;
                }
            }
            assertEquals(best, nearest[i], "vector " + i);
        }
        assertEquals(3, nearest[0]);
        assertEquals(3, nearest[5]);
    }

    @Test
    void vqNearestWithAllCodesEqualPicksTheFirst() {
        Tensor codebook = backend.full(Shape.of(4, 3), DType.F32, 0.5f);
        Tensor z = tensor(backend, new float[] {1, 2, 3, -1, 0, 0}, 2, 3);
        assertArrayEquals(new int[] {0, 0}, backend.vqNearest(z, codebook).toIntArray());
    }

    @Test
    void vqEmaStatisticsByHand() {
        Tensor z = tensor(backend, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        Tensor assignments = backend.fromInts(new int[] {2, 0, 2, 2}, Shape.of(4));
        VqStatistics s = backend.vqEmaStatistics(z, assignments, 4);
        assertArrayEquals(new float[] {1, 0, 3, 0}, s.counts().toFloatArray());
        assertEquals(Shape.of(4, 2), s.sums().shape());
        assertArrayEquals(new float[] {3, 4, 0, 0, 13, 16, 0, 0}, s.sums().toFloatArray());
        assertThrowsNaming(IndexOutOfBoundsException.class, "vqEmaStatistics",
                () -> backend.vqEmaStatistics(z, backend.fromInts(new int[] {0, 4, 0, 0}, Shape.of(4)), 4));
        assertThrowsNaming(IllegalArgumentException.class, "vqEmaStatistics",
                () -> backend.vqEmaStatistics(z, backend.fromInts(new int[] {0, 0}, Shape.of(2)), 4));
    }

    /**
     * Causal attention the obvious way, in double: the full L x L score matrix with -infinity above and on
     * the diagonal, a softmax per row, row 0 zero. Returns {out (heads*L*dv), logSumExp (heads*L)}.
     */
    private static double[][] attentionByMatrix(double[] q, double[] k, double[] v, int heads, int length, int dk, int dv,
                                                double scale) {
        double[] out = new double[heads * length * dv];
        double[] lse = new double[heads * length];
        for (int h = 0; h < heads; h++) {
            double[][] scores = new double[length][length];
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    double dot = 0;
                    for (int c = 0; c < dk; c++) {
                        dot += q[(h * length + i) * dk + c] * k[(h * length + j) * dk + c];
                    }
                    scores[i][j] = j < i ? scale * dot : Double.NEGATIVE_INFINITY;
                }
            }
            for (int i = 1; i < length; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    max = Math.max(max, scores[i][j]);
                }
                double sum = 0;
                for (int j = 0; j < length; j++) {
                    sum += Math.exp(scores[i][j] - max);
                }
                lse[h * length + i] = max + Math.log(sum);
                for (int j = 0; j < length; j++) {
                    double p = Math.exp(scores[i][j] - max) / sum;
                    for (int c = 0; c < dv; c++) {
                        out[(h * length + i) * dv + c] += p * v[(h * length + j) * dv + c];
                    }
                }
            }
        }
        return new double[][] {out, lse};
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void causalAttentionMatchesTheMaskedMatrixSoftmax() {
        Random random = new Random(14);
        int batch = 2;
        int heads = 3;
        int length = 13;
        int dk = 4;
        int dv = 5;
        for (float scale : new float[] {0.37f, 50f}) {
            Tensor q = random(backend, random, batch, heads, length, dk);
            Tensor k = random(backend, random, batch, heads, length, dk);
            Tensor v = random(backend, random, batch, heads, length, dv);
            AttentionResult r = backend.causalAttention(q, k, v, scale);
            assertEquals(v.shape(), r.out().shape());
            assertEquals(Shape.of(batch, heads, length), r.logSumExp().shape());
            double[][] expected = attentionByMatrix(toDoubles(q.toFloatArray()), toDoubles(k.toFloatArray()),
                    toDoubles(v.toFloatArray()), batch * heads, length, dk, dv, scale);
            assertClose(expected[0], r.out().toFloatArray(), ROUNDED_ONCE, "attention output, scale " + scale);
            assertClose(expected[1], r.logSumExp().toFloatArray(), ROUNDED_ONCE, "logSumExp, scale " + scale);
            float[] out = r.out().toFloatArray();
            for (int h = 0; h < batch * heads; h++) {
                for (int c = 0; c < dv; c++) {
                    assertEquals(0f, out[h * length * dv + c], "row 0 of head " + h);
                }
                assertEquals(0f, r.logSumExp().toFloatArray()[h * length], "logSumExp of row 0");
            }
        }
    }

    @Test
    void causalAttentionRowOneCopiesTheFirstValue() {
        Tensor q = tensor(backend, new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor v = tensor(backend, new float[] {7, -3, 5, 5}, 1, 1, 2, 2);
        // row 1 sees only key 0: probability 1, output v_0, logSumExp = scale * q_1 . k_0 = 0.5 * (3 + 8)
        AttentionResult r = backend.causalAttention(q, q, v, 0.5f);
        assertArrayEquals(new float[] {0, 0, 7, -3}, r.out().toFloatArray());
        assertArrayEquals(new float[] {0, 5.5f}, r.logSumExp().toFloatArray());
    }

    @Test
    void causalAttentionBackwardMatchesFiniteDifferences() {
        Random random = new Random(15);
        int heads = 2;
        int length = 13;
        int dk = 3;
        int dv = 4;
        float scale = 0.8f;
        Tensor q = random(backend, random, 1, heads, length, dk);
        Tensor k = random(backend, random, 1, heads, length, dk);
        Tensor v = random(backend, random, 1, heads, length, dv);
        Tensor g = random(backend, random, 1, heads, length, dv);
        AttentionGradients grads = backend.causalAttentionBackward(q, k, v, scale, backend.causalAttention(q, k, v, scale), g);
        double[][] inputs = {toDoubles(q.toFloatArray()), toDoubles(k.toFloatArray()), toDoubles(v.toFloatArray())};
        double[] gs = toDoubles(g.toFloatArray());
        float[][] actual = {grads.query().toFloatArray(), grads.key().toFloatArray(), grads.value().toFloatArray()};
        String[] names = {"query", "key", "value"};
        double h = 1e-6;
        for (int which = 0; which < 3; which++) {
            double[] numeric = new double[inputs[which].length];
            for (int i = 0; i < numeric.length; i++) {
                double saved = inputs[which][i];
                inputs[which][i] = saved + h;
                double up = objective(attentionByMatrix(inputs[0], inputs[1], inputs[2], heads, length, dk, dv, scale)[0], gs);
                inputs[which][i] = saved - h;
                double down = objective(attentionByMatrix(inputs[0], inputs[1], inputs[2], heads, length, dk, dv, scale)[0], gs);
                inputs[which][i] = saved;
                numeric[i] = (up - down) / (2 * h);
            }
            assertClose(numeric, actual[which], FINITE_DIFFERENCE, "gradient of " + names[which]);
        }
    }

    private static double objective(double[] out, double[] g) {
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += out[i] * g[i];
        }
        return sum;
    }

    @Test
    void attentionRejectsMismatchedShapes() {
        Tensor q = backend.full(Shape.of(1, 2, 5, 3), DType.F32, 1);
        Tensor v = backend.full(Shape.of(1, 2, 5, 4), DType.F32, 1);
        assertThrowsNaming(IllegalArgumentException.class, "causalAttention",
                () -> backend.causalAttention(q, backend.full(Shape.of(1, 2, 4, 3), DType.F32, 1), v, 1f));
        assertThrowsNaming(IllegalArgumentException.class, "causalAttention",
                () -> backend.causalAttention(q, q, backend.full(Shape.of(1, 2, 5), DType.F32, 1), 1f));
        AttentionResult forward = backend.causalAttention(q, q, v, 1f);
        assertThrowsNaming(IllegalArgumentException.class, "causalAttentionBackward",
                () -> backend.causalAttentionBackward(q, q, v, 1f, forward, q));
        assertThrowsNaming(IllegalArgumentException.class, "vqNearest",
                () -> backend.vqNearest(q, backend.full(Shape.of(4, 3), DType.F32, 1)));
        assertThrowsNaming(IllegalArgumentException.class, "vqNearest",
                () -> backend.vqNearest(backend.full(Shape.of(2, 3), DType.F32, 1), backend.full(Shape.of(4, 2), DType.F32, 1)));
    }

    @Test
    void adamFirstStepByHand() {
        // step 1 from zero moments: m^ = g, v^ = g^2, so the update is lr * g / (|g| + eps) = lr * sign(g)
        AdamParams plain = new AdamParams(0.1f, 0.9f, 0.999f, 0f, 0f, false, 1);
        Tensor p = tensor(backend, new float[] {1f, -2f}, 2);
        Tensor m = backend.full(Shape.of(2), DType.F32, 0);
        Tensor v = backend.full(Shape.of(2), DType.F32, 0);
        backend.adamStep(p, tensor(backend, new float[] {0.5f, -4f}, 2), m, v, plain);
        assertClose(new double[] {0.9, -1.9}, p.toFloatArray(), ADAM, "param");
        assertClose(new double[] {0.05, -0.4}, m.toFloatArray(), ADAM, "first moment");
        assertClose(new double[] {0.00025, 0.016}, v.toFloatArray(), ADAM, "second moment");
        // decoupled decay shrinks the parameter by lr * wd * p on top: 1 - 0.1 * 0.1 - 0.1
        Tensor q = tensor(backend, new float[] {1f}, 1);
        backend.adamStep(q, tensor(backend, new float[] {0.5f}, 1), backend.full(Shape.of(1), DType.F32, 0),
                backend.full(Shape.of(1), DType.F32, 0), new AdamParams(0.1f, 0.9f, 0.999f, 0f, 0.1f, true, 1));
        assertEquals(0.89, q.item(), 1e-7);
    }

    @Test
    void adamTwoStepsMatchTheFormula() {
        Random random = new Random(16);
        for (boolean decoupled : new boolean[] {false, true}) {
            int n = 13;
            float lr = 0.01f;
            float beta1 = 0.9f;
            float beta2 = 0.99f;
            float eps = 1e-8f;
            float decay = 0.05f;
            float[] p0 = OpTestSupport.uniform(random, n);
            float[][] grads = {OpTestSupport.uniform(random, n), OpTestSupport.uniform(random, n)};
            Tensor p = tensor(backend, p0, n);
            Tensor m = backend.full(Shape.of(n), DType.F32, 0);
            Tensor v = backend.full(Shape.of(n), DType.F32, 0);
            double[] ep = toDoubles(p0);
            double[] em = new double[n];
            double[] ev = new double[n];
            for (int t = 1; t <= 2; t++) {
                backend.adamStep(p, tensor(backend, grads[t - 1], n), m, v, new AdamParams(lr, beta1, beta2, eps, decay, decoupled, t));
                // PyTorch's arrangement: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                for (int i = 0; i < n; i++) {
                    double g = grads[t - 1][i];
                    if (decoupled) {
                        ep[i] *= 1 - (double) lr * decay;
                    } else {
                        g += (double) decay * ep[i];
                    }
                    em[i] = beta1 * em[i] + (1 - (double) beta1) * g;
                    ev[i] = beta2 * ev[i] + (1 - (double) beta2) * g * g;
                    ep[i] -= lr / bc1 * em[i] / (Math.sqrt(ev[i]) / Math.sqrt(bc2) + eps);
                }
                assertClose(ep, p.toFloatArray(), ADAM, "param after step " + t + (decoupled ? " (AdamW)" : " (Adam)"));
                assertClose(em, m.toFloatArray(), ADAM, "first moment after step " + t);
                assertClose(ev, v.toFloatArray(), ADAM, "second moment after step " + t);
            }
        }
    }

    @Test
    void adamRejectsMismatchedTensors() {
        Tensor a = backend.full(Shape.of(3), DType.F32, 0);
        Tensor b = backend.full(Shape.of(4), DType.F32, 0);
        AdamParams p = new AdamParams(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
        assertThrowsNaming(IllegalArgumentException.class, "adamStep", () -> backend.adamStep(a, b, a, a, p));
        assertThrowsNaming(IllegalArgumentException.class, "adamStep",
                () -> backend.adamStep(a, a, a, backend.full(Shape.of(3), DType.I32, 0), p));
    }
}
