package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Elementwise ops and reductions against hand-computed values and coordinate-by-coordinate loops. */
class ElementwiseReductionTest {
    private final Backend backend = backend();

    /** The backend under test; subclasses run this suite against another backend. */
    protected Backend backend() {
        return new ReferenceBackend();
    }

    @Test
    void unaryMatchesTheMathLibrary() {
        float[] x = {-2f, -0.5f, 0f, 0.25f, 3f};
        Tensor t = tensor(backend, x, 5);
        for (UnaryOp op : UnaryOp.values()) {
            double[] expected = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double v = x[i];
                expected[i] = switch (op) {
                    case NEG -> -v;
                    case EXP -> Math.exp(v);
                    case LOG -> Math.log(v);
                    case SQRT -> Math.sqrt(v);
                    case ABS -> Math.abs(v);
                    case RELU -> v > 0 ? v : 0;
                    case SIGMOID -> Math.exp(v) / (1 + Math.exp(v));
                    case TANH -> (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1);
                };
            }
            float[] actual = backend.unary(op, t).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(expected[i])) {
                    assertTrue(Float.isNaN(actual[i]), op + " of " + x[i] + " should be NaN");
                } else {
                    assertEquals(expected[i], actual[i], ROUNDED_ONCE * Math.max(1, Math.abs(expected[i])), op + " of " + x[i]);
                }
            }
        }
    }

    @Test
    void eluLeakyReluAndClampByHand() {
        Tensor x = tensor(backend, new float[] {-1f, 0f, 2f, Float.NaN}, 4);
        float[] elu = backend.elu(x, 0.5f).toFloatArray();
        assertEquals(0.5 * (Math.exp(-1) - 1), elu[0], 1e-7);
        assertEquals(0f, elu[1]);
        assertEquals(2f, elu[2]);
        assertTrue(Float.isNaN(elu[3]));
        assertArrayEquals(new float[] {-0.1f, 0f, 2f, Float.NaN}, backend.leakyRelu(x, 0.1f).toFloatArray());
        assertArrayEquals(new float[] {-0.5f, 0f, 1f, Float.NaN}, backend.clamp(x, -0.5f, 1f).toFloatArray());
    }

    /** The fused ReLU backward on this backend and on the threaded fast one. */
    @Test
    void reluBackwardPassesTheGradientWherePositiveByHand() {
        for (Backend b : new Backend[] {backend, new CpuBackend()}) {
            Tensor x = tensor(b, new float[] {-1f, 0f, -0f, 2f, Float.NaN, 3f, -2f}, 7);
            Tensor g = tensor(b, new float[] {5f, 6f, 7f, 8f, 9f, Float.NaN, Float.POSITIVE_INFINITY}, 7);
            assertArrayEquals(new float[] {0f, 0f, 0f, 8f, 0f, Float.NaN, 0f}, b.reluBackward(g, x).toFloatArray());
            Tensor other = tensor(b, new float[] {1f, 2f}, 2);
            assertThrowsNaming(IllegalArgumentException.class, "reluBackward", () -> b.reluBackward(other, x));
            // large enough to run threaded on the fast backend
            int n = 1 << 17;
            float[] xs = new float[n];
            float[] gs = new float[n];
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                xs[i] = (i % 7) - 3;
                gs[i] = i;
                expected[i] = xs[i] > 0 ? i : 0f;
            }
            assertArrayEquals(expected, b.reluBackward(tensor(b, gs, n), tensor(b, xs, n)).toFloatArray());
        }
    }

    /** The fused ELU backward on this backend and on the threaded fast one, against d/dx elu written out. */
    @Test
    void eluBackwardByHand() {
        for (Backend b : new Backend[] {backend, new CpuBackend()}) {
            float alpha = 0.5f;
            float[] xs = {-1f, 0f, 2f, Float.NaN};
            float[] ys = {(float) (alpha * Math.expm1(-1)), 0f, 2f, Float.NaN};
            Tensor x = tensor(b, xs, 4);
            Tensor y = tensor(b, ys, 4);
            Tensor g = tensor(b, new float[] {3f, 5f, 7f, 1f}, 4);
            float[] got = b.eluBackward(g, x, y, alpha).toFloatArray();
            assertEquals(3f * (ys[0] + alpha), got[0], 0f);    // 3 * alpha * e^-1
            assertEquals(3 * 0.5 * Math.exp(-1), got[0], 1e-6);
            assertEquals(5f * alpha, got[1], 0f);              // x = 0 is on the exponential side
            assertEquals(7f, got[2], 0f);
            assertTrue(Float.isNaN(got[3]));
            assertThrowsNaming(IllegalArgumentException.class, "eluBackward",
                    () -> b.eluBackward(g, x, tensor(b, new float[] {1f, 2f}, 2), alpha));
            int n = 1 << 17;
            float[] bx = new float[n];
            float[] by = new float[n];
            float[] bg = new float[n];
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                bx[i] = (i % 9) - 4.5f;
                by[i] = bx[i] > 0 ? bx[i] : (float) (alpha * Math.expm1(bx[i]));
                bg[i] = (i % 13) * 0.25f;
                expected[i] = bx[i] > 0 ? bg[i] : bg[i] * (by[i] + alpha);
            }
            assertArrayEquals(expected, b.eluBackward(tensor(b, bg, n), tensor(b, bx, n), tensor(b, by, n), alpha)
                    .toFloatArray());
        }
    }

    @Test
    void binaryBroadcastsLikeNumPy() {
        Random random = new Random(1);
        int[] aDims = {2, 1, 13};
        int[] bDims = {3, 1};
        Tensor a = random(backend, random, aDims);
        Tensor b = random(backend, random, bDims);
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        for (BinaryOp op : BinaryOp.values()) {
            Tensor c = backend.binary(op, a, b);
            assertEquals(Shape.of(2, 3, 13), c.shape());
            float[] out = c.toFloatArray();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 13; k++) {
                        float u = x[i * 13 + k];
                        float v = y[j];
                        float expected = switch (op) {
                            case ADD -> u + v;
                            case SUB -> u - v;
                            case MUL -> u * v;
                            case DIV -> u / v;
                            case MAX -> u > v ? u : v;
                            case MIN -> u < v ? u : v;
                        };
                        assertEquals(expected, out[(i * 3 + j) * 13 + k], op + " at " + i + "," + j + "," + k);
                    }
                }
            }
        }
    }

    @Test
    void binaryMaxAndMinPropagateNaN() {
        Tensor a = tensor(backend, new float[] {Float.NaN, 1f}, 2);
        Tensor b = tensor(backend, new float[] {0f, Float.NaN}, 2);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.MAX, BinaryOp.MIN}) {
            float[] out = backend.binary(op, a, b).toFloatArray();
            assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]), op + " should propagate NaN");
        }
    }

    @Test
    void compareAndWhereByHand() {
        Tensor a = tensor(backend, new float[] {1f, 2f, 3f, Float.NaN}, 4);
        Tensor b = tensor(backend, new float[] {2f}, 1);
        assertArrayEquals(new float[] {0, 1, 0, 0}, backend.compare(CompareOp.EQ, a, b).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1, 1}, backend.compare(CompareOp.NE, a, b).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 0}, backend.compare(CompareOp.LT, a, b).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 0, 0}, backend.compare(CompareOp.LE, a, b).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 0}, backend.compare(CompareOp.GT, a, b).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1, 0}, backend.compare(CompareOp.GE, a, b).toFloatArray());

        Tensor mask = tensor(backend, new float[] {1f, 0f}, 2, 1);
        Tensor yes = tensor(backend, new float[] {10f, 20f, 30f}, 3);
        Tensor no = tensor(backend, new float[] {-1f}, 1);
        Tensor w = backend.where(mask, yes, no);
        assertEquals(Shape.of(2, 3), w.shape());
        assertArrayEquals(new float[] {10, 20, 30, -1, -1, -1}, w.toFloatArray());
    }

    @Test
    void castTruncatesTowardZero() {
        Tensor x = tensor(backend, new float[] {-2.7f, -0.5f, 0.5f, 2.7f}, 2, 2);
        Tensor i = backend.cast(x, DType.I32);
        assertEquals(DType.I32, i.dtype());
        assertArrayEquals(new int[] {-2, 0, 0, 2}, i.toIntArray());
        assertArrayEquals(new float[] {-2, 0, 0, 2}, backend.cast(i, DType.F32).toFloatArray());
    }

    @Test
    void reduceOverAxesByHand() {
        // x[i][j][k] = 100 i + 10 j + k, shape [2, 3, 4]
        float[] data = new float[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    data[(i * 3 + j) * 4 + k] = 100 * i + 10 * j + k;
                }
            }
        }
        Tensor x = tensor(backend, data, 2, 3, 4);
        Tensor sum = backend.reduce(ReduceOp.SUM, x, new int[] {0, 2}, false);
        assertEquals(Shape.of(3), sum.shape());
        // sum over i, k of (100 i + 10 j + k) = 4*100 + 2*4*10 j + 2*6
        assertArrayEquals(new float[] {412, 492, 572}, sum.toFloatArray());
        Tensor mean = backend.reduce(ReduceOp.MEAN, x, new int[] {-1}, true);
        assertEquals(Shape.of(2, 3, 1), mean.shape());
        assertArrayEquals(new float[] {1.5f, 11.5f, 21.5f, 101.5f, 111.5f, 121.5f}, mean.toFloatArray());
        assertArrayEquals(new float[] {123}, backend.reduce(ReduceOp.MAX, x, new int[0], false).toFloatArray());
        assertEquals(Shape.scalar(), backend.reduce(ReduceOp.MIN, x, new int[0], false).shape());
        assertArrayEquals(new float[] {0, 1, 2, 3}, backend.reduce(ReduceOp.MIN, x, new int[] {1, 0}, false).toFloatArray());
    }

    @Test
    void reduceSumIsExactOnLongRows() {
        // 1 + 1e-8 * 33 terms: a float accumulator would drop every small term
        float[] data = new float[34];
        data[0] = 1f;
        java.util.Arrays.fill(data, 1, 34, 1e-8f);
        double expected = 1 + 33 * (double) 1e-8f;
        float actual = backend.reduce(ReduceOp.SUM, tensor(backend, data, 34), new int[0], false).item();
        assertEquals((float) expected, actual);
    }

    @Test
    void maxAndMinReductionsPropagateNaN() {
        Tensor x = tensor(backend, new float[] {1f, Float.NaN, 3f, 4f}, 2, 2);
        float[] max = backend.reduce(ReduceOp.MAX, x, new int[] {1}, false).toFloatArray();
        assertTrue(Float.isNaN(max[0]));
        assertEquals(4f, max[1]);
        assertTrue(Float.isNaN(backend.reduce(ReduceOp.MIN, x, new int[0], false).item()));
    }

    @Test
    void argmaxAndArgminTieToTheLowestIndex() {
        Tensor x = tensor(backend, new float[] {
                1, 5, 5, 0,
                2, 2, 2, 2,
                -1, 7, -1, 7}, 3, 4);
        assertArrayEquals(new int[] {1, 0, 1}, backend.argmax(x, 1).toIntArray());
        assertArrayEquals(new int[] {3, 0, 0}, backend.argmin(x, -1).toIntArray());
        // columns (1, 2, -1), (5, 2, 7), (5, 2, -1), (0, 2, 7)
        assertArrayEquals(new int[] {1, 2, 0, 2}, backend.argmax(x, 0).toIntArray());
        assertArrayEquals(new int[] {2, 1, 2, 0}, backend.argmin(x, 0).toIntArray());
        assertEquals(DType.I32, backend.argmax(x, 0).dtype());
        Tensor withNaN = tensor(backend, new float[] {1, Float.NaN, 9, Float.NaN}, 4);
        assertArrayEquals(new int[] {1}, backend.argmax(withNaN, 0).toIntArray());
        assertArrayEquals(new int[] {1}, backend.argmin(withNaN, 0).toIntArray());
    }

    @Test
    void badArgumentsNameTheOp() {
        Tensor a = backend.full(Shape.of(2, 3), DType.F32, 1);
        Tensor b = backend.full(Shape.of(4), DType.F32, 1);
        Tensor ints = backend.full(Shape.of(2, 3), DType.I32, 1);
        assertThrowsNaming(IllegalArgumentException.class, "binary", () -> backend.binary(BinaryOp.ADD, a, b));
        assertThrowsNaming(IllegalArgumentException.class, "compare", () -> backend.compare(CompareOp.LT, a, b));
        assertThrowsNaming(IllegalArgumentException.class, "where", () -> backend.where(a, a, b));
        assertThrowsNaming(IllegalArgumentException.class, "unary", () -> backend.unary(UnaryOp.EXP, ints));
        assertThrowsNaming(IllegalArgumentException.class, "reduce", () -> backend.reduce(ReduceOp.SUM, a, new int[] {2}, false));
        assertThrowsNaming(IllegalArgumentException.class, "reduce", () -> backend.reduce(ReduceOp.SUM, a, new int[] {1, -1}, false));
        assertThrowsNaming(IllegalArgumentException.class, "argmax", () -> backend.argmax(a, 3));
        assertThrowsNaming(IllegalArgumentException.class, "argmin", () -> backend.argmin(ints, 0));
    }
}
