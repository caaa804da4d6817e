package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.unmask.backend.cpu.OpTestSupport.ROUNDED_ONCE;
import static dev.unmask.backend.cpu.OpTestSupport.absDot;
import static dev.unmask.backend.cpu.OpTestSupport.assertAdjoint;
import static dev.unmask.backend.cpu.OpTestSupport.assertClose;
import static dev.unmask.backend.cpu.OpTestSupport.assertThrowsNaming;
import static dev.unmask.backend.cpu.OpTestSupport.dot;
import static dev.unmask.backend.cpu.OpTestSupport.random;
import static dev.unmask.backend.cpu.OpTestSupport.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pooling, softmax and cross-entropy against hand values, finite differences and double-precision loops. */
class PoolSoftmaxTest {
    /**
     * Central differences of a piecewise linear function with step 1e-3 on float inputs of size ~1: the
     * float rounding of x +- h (6e-8) divided by 2h leaves errors near 1e-4.
     */
    private static final double FINITE_DIFFERENCE = 1e-3;

    private final Backend backend = backend();

    /** The backend under test; subclasses run this suite against another backend. */
    protected Backend backend() {
        return new ReferenceBackend();
    }

    private static final Pool2dParams[] POOLS = {
            Pool2dParams.of(2, 2, 0),
            Pool2dParams.of(3, 1, 1),
            Pool2dParams.of(3, 2, 1),
            new Pool2dParams(3, 2, 2, 1, 1, 0, true),
            new Pool2dParams(5, 5, 3, 3, 2, 2, false),
    };

    @Test
    void batchNormalisationByHand() {
        // channel 0 holds 1, 3, 5, 7 (mean 4, biased variance 5); channel 1 holds 2, 2, 2, 2 (variance 0)
        Tensor x = tensor(backend, new float[] {1, 3, 2, 2, 5, 7, 2, 2}, 2, 2, 1, 2);
        var stats = backend.batchNormStatistics(x);
        assertArrayEquals(new float[] {4, 2}, stats.mean().toFloatArray());
        assertArrayEquals(new float[] {5, 0}, stats.variance().toFloatArray());
        Tensor weight = tensor(backend, new float[] {2, 1}, 2);
        Tensor bias = tensor(backend, new float[] {1, -1}, 2);
        float eps = 1e-5f;
        double s = Math.sqrt(5 + (double) eps);
        float[] y = backend.batchNorm2d(x, stats.mean(), stats.variance(), weight, bias, eps).toFloatArray();
        float[] want = {(float) (-3 / s * 2 + 1), (float) (-1 / s * 2 + 1), -1, -1, (float) (1 / s * 2 + 1),
                (float) (3 / s * 2 + 1), -1, -1};
        assertClose(want, y, ROUNDED_ONCE, "batchNorm2d");
        // with g = 1 everywhere the batch-statistics input gradient vanishes; dbias = 4 per channel, dweight = sum x^ = 0
        Tensor ones = backend.full(x.shape(), DType.F32, 1f);
        var grads = backend.batchNorm2dBackward(ones, x, stats.mean(), stats.variance(), weight, eps, true);
        assertClose(new float[8], grads.input().toFloatArray(), ROUNDED_ONCE, "batch-statistics input gradient");
        assertArrayEquals(new float[] {4, 4}, grads.bias().toFloatArray());
        assertClose(new float[2], grads.weight().toFloatArray(), ROUNDED_ONCE, "weight gradient");
        var fixed = backend.batchNorm2dBackward(ones, x, stats.mean(), stats.variance(), weight, eps, false);
        assertClose(new float[] {(float) (2 / s), (float) (2 / s), (float) (1 / Math.sqrt(eps)), (float) (1 / Math.sqrt(eps)),
                (float) (2 / s), (float) (2 / s), (float) (1 / Math.sqrt(eps)), (float) (1 / Math.sqrt(eps))},
                fixed.input().toFloatArray(), ROUNDED_ONCE, "running-statistics input gradient");
        assertThrowsNaming(IllegalArgumentException.class, "batchNorm2d",
                () -> backend.batchNorm2d(x, stats.mean(), stats.variance(), weight, tensor(backend, new float[] {1}, 1), eps));
        assertThrowsNaming(IllegalArgumentException.class, "batchNorm2d",
                () -> backend.batchNorm2d(x, stats.mean(), stats.variance(), weight, bias, 0f));
        assertThrowsNaming(IllegalArgumentException.class, "batchNormStatistics",
                () -> backend.batchNormStatistics(backend.full(Shape.of(0, 2, 3, 3), DType.F32, 0f)));
    }

    @Test
    void upsampleNearestByHandAndItsAdjoint() {
        Tensor x = tensor(backend, new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 1, 3);
        assertArrayEquals(new float[] {
                1, 1, 2, 2, 3, 3,
                1, 1, 2, 2, 3, 3,
                4, 4, 5, 5, 6, 6,
                4, 4, 5, 5, 6, 6}, backend.upsampleNearest2d(x, 2, 2).toFloatArray());
        assertEquals(Shape.of(1, 2, 3, 3), backend.upsampleNearest2d(x, 3, 1).shape());
        Tensor g = tensor(backend, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1, 1, 2, 6);
        assertArrayEquals(new float[] {1 + 2 + 7 + 8, 3 + 4 + 9 + 10, 5 + 6 + 11 + 12},
                backend.upsampleNearest2dBackward(g, 2, 2).toFloatArray());
        Random rnd = new Random(5);
        for (int[] scale : new int[][] {{1, 1}, {2, 2}, {3, 1}, {1, 4}, {7, 7}}) {
            Tensor in = random(backend, rnd, 2, 3, 5, 4);
            Tensor up = backend.upsampleNearest2d(in, scale[0], scale[1]);
            Tensor grad = random(backend, rnd, up.shape().dims());
            Tensor back = backend.upsampleNearest2dBackward(grad, scale[0], scale[1]);
            assertAdjoint(dot(up.toFloatArray(), grad.toFloatArray()), dot(in.toFloatArray(), back.toFloatArray()),
                    absDot(up.toFloatArray(), grad.toFloatArray()), "upsample " + scale[0] + "x" + scale[1]);
        }
        assertThrowsNaming(IllegalArgumentException.class, "upsampleNearest2d", () -> backend.upsampleNearest2d(x, 0, 2));
        assertThrowsNaming(IllegalArgumentException.class, "upsampleNearest2d",
                () -> backend.upsampleNearest2d(tensor(backend, new float[] {1, 2}, 2), 2, 2));
        assertThrowsNaming(IllegalArgumentException.class, "upsampleNearest2d",
                () -> backend.upsampleNearest2d(tensor(backend, new float[] {1}, 1, 1, 1, 1), 1 << 16, 1 << 16));
        assertThrowsNaming(IllegalArgumentException.class, "upsampleNearest2dBackward",
                () -> backend.upsampleNearest2dBackward(g, 4, 2));
    }

    @Test
    void maxAndMinPoolByHandIgnorePadding() {
        Tensor x = tensor(backend, new float[] {
                -1, -2, -3, -4,
                -5, -6, -7, -8,
                -9, -1, -2, -3,
                -4, -5, -6, -9}, 1, 1, 4, 4);
        assertArrayEquals(new float[] {-1, -3, -1, -2}, backend.maxPool2d(x, Pool2dParams.of(2, 2, 0)).toFloatArray());
        // with padding 1 the windows see zeros in the padding, which must not win
        assertArrayEquals(new float[] {-1, -2, -1, -1}, backend.maxPool2d(x, Pool2dParams.of(3, 2, 1)).toFloatArray());
        assertArrayEquals(new float[] {-6, -8, -9, -9}, backend.minPool2d(x, Pool2dParams.of(2, 2, 0)).toFloatArray());
        Tensor positive = backend.binary(dev.unmask.ops.BinaryOp.MUL, x, tensor(backend, new float[] {-1}, 1));
        assertArrayEquals(new float[] {1, 2, 1, 1}, backend.minPool2d(positive, Pool2dParams.of(3, 2, 1)).toFloatArray());
        assertArrayEquals(new float[] {6, 8, 9, 9}, backend.maxPool2d(positive, Pool2dParams.of(2, 2, 0)).toFloatArray());
    }

    @Test
    void maxAndMinPoolPropagateNaN() {
        Tensor x = tensor(backend, new float[] {1, Float.NaN, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 4);
        float[] max = backend.maxPool2d(x, Pool2dParams.of(2, 2, 0)).toFloatArray();
        float[] min = backend.minPool2d(x, Pool2dParams.of(2, 2, 0)).toFloatArray();
        assertEquals(Float.NaN, max[0]);
        assertEquals(8f, max[1]);
        assertEquals(Float.NaN, min[0]);
        assertEquals(3f, min[1]);
    }

    @Test
    void avgPoolByHandWithAndWithoutCountingPadding() {
        Tensor x = tensor(backend, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor counted = backend.avgPool2d(x, new Pool2dParams(3, 3, 2, 2, 1, 1, true));
        Tensor real = backend.avgPool2d(x, new Pool2dParams(3, 3, 2, 2, 1, 1, false));
        // windows at (0,0),(0,2),(2,0),(2,2) each cover a 2x2 corner of the image
        assertClose(new double[] {12 / 9.0, 16 / 9.0, 24 / 9.0, 28 / 9.0}, counted.toFloatArray(), ROUNDED_ONCE, "counted");
        assertClose(new double[] {3, 4, 6, 7}, real.toFloatArray(), ROUNDED_ONCE, "real only");
    }

    /** Distinct values 0.01 apart in random order, so no step of size 1e-3 changes which element is largest. */
    private Tensor separated(Random random, int... dims) {
        int n = Shape.of(dims).numel();
        java.util.List<Float> values = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(0.01f * (i - n / 2));
        }
        java.util.Collections.shuffle(values, random);
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = values.get(i);
        }
        return tensor(backend, data, dims);
    }

    @Test
    void maxPoolBackwardMatchesFiniteDifferences() {
        Random random = new Random(9);
        for (Pool2dParams p : POOLS) {
            Tensor x = separated(random, 1, 2, 13, 13);
            Tensor y = backend.maxPool2d(x, p);
            Tensor g = random(backend, random, y.shape().dims());
            float[] grad = backend.maxPool2dBackward(x, g, p).toFloatArray();
            float[] xs = x.toFloatArray();
            double[] numeric = new double[xs.length];
            float h = 1e-3f;
            for (int i = 0; i < xs.length; i++) {
                float[] plus = xs.clone();
                float[] minus = xs.clone();
                plus[i] += h;
                minus[i] -= h;
                double up = dot(backend.maxPool2d(tensor(backend, plus, x.shape().dims()), p).toFloatArray(), g.toFloatArray());
                double down = dot(backend.maxPool2d(tensor(backend, minus, x.shape().dims()), p).toFloatArray(), g.toFloatArray());
                numeric[i] = (up - down) / (plus[i] - minus[i]);
            }
            assertClose(numeric, grad, FINITE_DIFFERENCE, "maxPool2dBackward " + p);
        }
    }

    @Test
    void maxPoolBackwardRoutesTiesToTheFirstElement() {
        Tensor x = backend.full(Shape.of(1, 1, 3, 3), DType.F32, 2f);
        Tensor g = tensor(backend, new float[] {1, 10, 100, 1000}, 1, 1, 2, 2);
        // four overlapping 2x2 windows of a constant image: each gradient lands on its window's top-left
        assertArrayEquals(new float[] {1, 10, 0, 100, 1000, 0, 0, 0, 0},
                backend.maxPool2dBackward(x, g, Pool2dParams.of(2, 1, 0)).toFloatArray());
    }

    @Test
    void avgPoolBackwardIsTheAdjoint() {
        Random random = new Random(10);
        for (Pool2dParams p : POOLS) {
            for (boolean count : new boolean[] {true, false}) {
                Pool2dParams q = new Pool2dParams(p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), count);
                Tensor x = random(backend, random, 2, 1, 13, 31);
                Tensor y = backend.avgPool2d(x, q);
                Tensor g = random(backend, random, y.shape().dims());
                Tensor gx = backend.avgPool2dBackward(g, x.shape(), q);
                assertAdjoint(dot(y.toFloatArray(), g.toFloatArray()), dot(x.toFloatArray(), gx.toFloatArray()),
                        absDot(y.toFloatArray(), g.toFloatArray()) + absDot(x.toFloatArray(), gx.toFloatArray()), "avgPool2d " + q);
            }
        }
    }

    @Test
    void minAvgPoolMatchesANaiveNeighbourhoodLoop() {
        Random random = new Random(11);
        int c = 2;
        int h = 13;
        int w = 9;
        Tensor x = random(backend, random, 1, c, h, w);
        float[] xs = x.toFloatArray();
        for (int[] kernels : new int[][] {{3, 7}, {1, 1}, {5, 3}}) {
            int mr = kernels[0] / 2;
            int ar = kernels[1] / 2;
            double[] min = new double[xs.length];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double m = Double.POSITIVE_INFINITY;
                        for (int di = -mr; di <= mr; di++) {
                            for (int dj = -mr; dj <= mr; dj++) {
                                if (i + di >= 0 && i + di < h && j + dj >= 0 && j + dj < w) {
                                    m = Math.min(m, xs[(ch * h + i + di) * w + j + dj]);
                                }
                            }
                        }
                        min[(ch * h + i) * w + j] = m;
                    }
                }
            }
            double[] expected = new double[xs.length];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        double sum = 0;
                        for (int di = -ar; di <= ar; di++) {
                            for (int dj = -ar; dj <= ar; dj++) {
                                if (i + di >= 0 && i + di < h && j + dj >= 0 && j + dj < w) {
                                    sum += min[(ch * h + i + di) * w + j + dj];
                                }
                            }
                        }
                        expected[(ch * h + i) * w + j] = sum / (kernels[1] * kernels[1]);
                    }
                }
            }
            Tensor y = backend.minAvgPool(x, kernels[0], kernels[1]);
            assertEquals(x.shape(), y.shape());
            assertClose(expected, y.toFloatArray(), ROUNDED_ONCE, "minAvgPool " + kernels[0] + "/" + kernels[1]);
        }
        assertThrowsNaming(IllegalArgumentException.class, "minAvgPool", () -> backend.minAvgPool(x, 2, 7));
    }

    /** log sum exp of a row, in double, computed around the row's maximum. */
    private static double logSumExp(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    @Test
    void softmaxAndLogSoftmaxAlongAnInnerAxisWithOutliers() {
        Random random = new Random(12);
        int outer = 3;
        int n = 33;
        int inner = 2;
        Tensor x = random(backend, random, outer, n, inner);
        float[] xs = x.toFloatArray();
        xs[5 * inner] = 1e4f;
        xs[(n + 7) * inner + 1] = -1e4f;
        xs[(2 * n + 1) * inner] = 1e4f;
        xs[(2 * n + 2) * inner] = 1e4f;
        x = tensor(backend, xs, outer, n, inner);
        float[] soft = backend.softmax(x, 1).toFloatArray();
        float[] logSoft = backend.logSoftmax(x, -2).toFloatArray();
        double[] expectedSoft = new double[xs.length];
        double[] expectedLog = new double[xs.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                float[] row = new float[n];
                for (int j = 0; j < n; j++) {
                    row[j] = xs[(o * n + j) * inner + i];
                }
                double lse = logSumExp(row);
                double total = 0;
                for (int j = 0; j < n; j++) {
                    int at = (o * n + j) * inner + i;
                    expectedSoft[at] = Math.exp(row[j] - lse);
                    expectedLog[at] = row[j] - lse;
                    total += soft[at];
                }
                assertEquals(1.0, total, n * ROUNDED_ONCE, "row sum " + o + "," + i);
            }
        }
        assertClose(expectedSoft, soft, ROUNDED_ONCE, "softmax");
        assertClose(expectedLog, logSoft, ROUNDED_ONCE, "logSoftmax");
        // two equal outliers share the mass
        assertEquals(0.5f, soft[(2 * n + 1) * inner], 1e-7);
    }

    @Test
    void crossEntropyIsLogSumExpMinusTheTargetLogit() {
        Tensor logits = tensor(backend, new float[] {0, 0, 1, 2, 3, 1e4f, -5, 0}, 2, 4);
        Tensor targets = backend.fromInts(new int[] {3, 2}, Shape.of(2));
        float[] loss = backend.crossEntropy(logits, targets).toFloatArray();
        assertEquals(Shape.of(2), backend.crossEntropy(logits, targets).shape());
        double first = Math.log(2 + Math.E + Math.exp(2)) - 2;
        // the second row is dominated by 1e4: its loss is 1e4 - (-5) up to exp(-1e4) terms
        assertClose(new double[] {first, 1e4 + 5}, loss, ROUNDED_ONCE, "crossEntropy");
        Tensor one = backend.crossEntropy(tensor(backend, new float[] {0, 0}, 1, 2), backend.fromInts(new int[] {0}, Shape.of(1)));
        assertEquals(Math.log(2), one.item(), 1e-7);
    }

    @Test
    void badArgumentsNameTheOp() {
        Tensor x = backend.full(Shape.of(1, 1, 4, 4), DType.F32, 1);
        Pool2dParams p = Pool2dParams.of(2, 2, 0);
        assertThrowsNaming(IllegalArgumentException.class, "maxPool2d", () -> backend.maxPool2d(backend.full(Shape.of(4, 4), DType.F32, 1), p));
        assertThrowsNaming(IllegalArgumentException.class, "minPool2d", () -> backend.minPool2d(backend.full(Shape.of(1, 1, 4, 4), DType.I32, 1), p));
        assertThrowsNaming(IllegalArgumentException.class, "avgPool2d", () -> backend.avgPool2d(x, Pool2dParams.of(5, 1, 0)));
        assertThrowsNaming(IllegalArgumentException.class, "maxPool2dBackward",
                () -> backend.maxPool2dBackward(x, backend.full(Shape.of(1, 1, 3, 3), DType.F32, 1), p));
        assertThrowsNaming(IllegalArgumentException.class, "avgPool2dBackward",
                () -> backend.avgPool2dBackward(backend.full(Shape.of(1, 1, 3, 3), DType.F32, 1), x.shape(), p));
        assertThrowsNaming(IllegalArgumentException.class, "softmax", () -> backend.softmax(x, 4));
        Tensor logits = backend.full(Shape.of(2, 3), DType.F32, 0);
        assertThrowsNaming(IndexOutOfBoundsException.class, "crossEntropy",
                () -> backend.crossEntropy(logits, backend.fromInts(new int[] {0, 3}, Shape.of(2))));
        assertThrowsNaming(IllegalArgumentException.class, "crossEntropy", () -> backend.crossEntropy(logits, logits));
        assertThrowsNaming(IllegalArgumentException.class, "crossEntropy",
                () -> backend.crossEntropy(logits, backend.fromInts(new int[] {0}, Shape.of(1))));
    }
}
