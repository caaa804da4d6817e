package dev.unmask.backend.cpu;

import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The threaded CPU overrides of unary, elu, leakyRelu, clamp, compare, where, reduce and slice against
 * {@link ReferenceBackend}, the plain-loop oracle. Each override computes the same per-element arithmetic
 * (reductions: the same double accumulation in the same order), so results must be bit-identical
 * ({@link org.junit.jupiter.api.Assertions#assertArrayEquals(float[], float[])} compares float bits), on
 * awkward sizes, on sizes large enough to run threaded, and with NaN, infinities and signed zeros. The two
 * exceptions are ELU and the sigmoid, computed in float ({@code FloatExp}) and held to {@link #FLOAT_EXP_ULPS}.
 */
class CpuReferenceParityTest {
    /** Odd sizes around vector widths, plus one above the kernels' threading threshold (2^15). */
    private static final int[] SIZES = {1, 13, 31, 33, 1025, 70_001};

    /**
     * ELU and the sigmoid against the reference's double functions rounded to float: FloatExp's measured worst
     * cases are 1.8 and 2.4 ulp ({@code FloatExpTest}); signed zeros may differ (ELU of -0 gives +0).
     */
    private static final double FLOAT_EXP_ULPS = 3;

    private final CpuBackend cpu = new CpuBackend();
    private final ReferenceBackend ref = new ReferenceBackend();

    /** Values in [-4, 4) with NaN, infinities, signed zeros and large magnitudes (exp overflow) mixed in. */
    private static float[] awkward(int n, SplittableRandom rnd) {
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 100f, -100f, 1e-30f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(10) == 0 ? specials[rnd.nextInt(specials.length)] : (float) (rnd.nextDouble() * 8 - 4);
        }
        return x;
    }

    /** Small integers (so that EQ and ties happen) with NaN and signed zeros mixed in. */
    private static float[] ties(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(8);
            x[i] = k == 0 ? Float.NaN : k == 1 ? -0f : rnd.nextInt(3) - 1;
        }
        return x;
    }

    /**
     * Values in [-1, 1) with one in eight replaced by +-2^90: where such values cancel, what is left depends on
     * which small values the double sum absorbed before, so a different summation order changes results.
     */
    private static float[] spread(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? 0x1p90f : -0x1p90f) : (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private Tensor onCpu(float[] x, Shape s) {
        return cpu.fromFloats(x, s);
    }

    private Tensor onRef(float[] x, Shape s) {
        return ref.fromFloats(x, s);
    }

    @Test
    void activationsAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int n : SIZES) {
            float[] x = awkward(n, rnd);
            Shape s = Shape.of(n);
            for (UnaryOp op : UnaryOp.values()) {
                float[] want = ref.unary(op, onRef(x, s)).toFloatArray();
                float[] got = cpu.unary(op, onCpu(x, s)).toFloatArray();
                if (op == UnaryOp.SIGMOID) {
                    assertWithinUlps(want, got, op + " n=" + n);
                } else {
                    assertArrayEquals(want, got, op + " n=" + n);
                }
            }
            for (float alpha : new float[] {1f, 0.3f}) {
                assertWithinUlps(ref.elu(onRef(x, s), alpha).toFloatArray(), cpu.elu(onCpu(x, s), alpha).toFloatArray(),
                        "elu n=" + n);
            }
            assertArrayEquals(ref.leakyRelu(onRef(x, s), 0.01f).toFloatArray(),
                    cpu.leakyRelu(onCpu(x, s), 0.01f).toFloatArray(), "leakyRelu n=" + n);
            assertArrayEquals(ref.clamp(onRef(x, s), -0.5f, 0.7f).toFloatArray(),
                    cpu.clamp(onCpu(x, s), -0.5f, 0.7f).toFloatArray(), "clamp n=" + n);
        }
    }

    private static void assertWithinUlps(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                assertEquals(want[i], got[i], what + " at " + i);
            } else {
                assertEquals(want[i], got[i], FLOAT_EXP_ULPS * Math.ulp(want[i]), what + " at " + i);
            }
        }
    }

    @Test
    void extremePoolingIsBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(8);
        // ties, NaN and signed zeros; the last shape has 3 x 64^2 x 9 window elements, above the threading threshold
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 13, 31}, {1, 2, 33, 1}, {2, 3, 64, 64}};
        Pool2dParams[] pools = {Pool2dParams.of(3, 2, 1), Pool2dParams.of(2, 2, 0), Pool2dParams.of(1, 1, 0),
                new Pool2dParams(3, 1, 1, 1, 1, 0, true), new Pool2dParams(5, 3, 2, 3, 2, 1, true)};
        for (int[] dims : shapes) {
            Shape s = Shape.of(dims);
            float[] x = ties(s.numel(), rnd);
            for (Pool2dParams p : pools) {
                if (p.outputH(dims[2]) < 1 || p.outputW(dims[3]) < 1) {
                    continue;
                }
                String what = s + " " + p;
                Tensor max = ref.maxPool2d(onRef(x, s), p);
                assertArrayEquals(max.toFloatArray(), cpu.maxPool2d(onCpu(x, s), p).toFloatArray(), "max " + what);
                assertArrayEquals(ref.minPool2d(onRef(x, s), p).toFloatArray(), cpu.minPool2d(onCpu(x, s), p).toFloatArray(),
                        "min " + what);
                float[] g = spread(max.numel(), rnd);
                assertArrayEquals(ref.maxPool2dBackward(onRef(x, s), onRef(g, max.shape()), p).toFloatArray(),
                        cpu.maxPool2dBackward(onCpu(x, s), onCpu(g, max.shape()), p).toFloatArray(), "max backward " + what);
            }
        }
    }

    @Test
    void upsamplingIsBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(7);
        // the last shape gives 2^17 outputs, above the threading threshold
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 13, 31}, {1, 2, 33, 1}, {3, 5, 32, 64}};
        int[][] scales = {{1, 1}, {2, 2}, {3, 1}, {1, 4}, {7, 7}};
        for (int[] dims : shapes) {
            Shape s = Shape.of(dims);
            float[] x = spread(s.numel(), rnd);
            for (int[] k : scales) {
                String what = s + " by " + k[0] + "x" + k[1];
                Tensor want = ref.upsampleNearest2d(onRef(x, s), k[0], k[1]);
                assertArrayEquals(want.toFloatArray(), cpu.upsampleNearest2d(onCpu(x, s), k[0], k[1]).toFloatArray(), what);
                float[] g = spread(want.numel(), rnd);
                assertArrayEquals(ref.upsampleNearest2dBackward(onRef(g, want.shape()), k[0], k[1]).toFloatArray(),
                        cpu.upsampleNearest2dBackward(onCpu(g, want.shape()), k[0], k[1]).toFloatArray(), "backward " + what);
            }
        }
    }

    @Test
    void reluIsMaxWithZeroAndKeepsNaN() {
        float[] got = cpu.unary(UnaryOp.RELU, onCpu(new float[] {-2f, -0f, 0f, 3f, Float.NaN}, Shape.of(5))).toFloatArray();
        assertArrayEquals(new float[] {0f, 0f, 0f, 3f, Float.NaN}, got);
    }

    @Test
    void compareAndWhereAreBitIdenticalSameShapeAndBroadcast() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int n : SIZES) {
            checkCompareAndWhere(Shape.of(n), Shape.of(n), Shape.of(n), rnd);
            checkCompareAndWhere(Shape.of(n), Shape.of(1), Shape.of(n), rnd);
        }
        checkCompareAndWhere(Shape.of(3, 1, 5), Shape.of(4, 1), Shape.of(1, 4, 5), rnd);
        checkCompareAndWhere(Shape.of(2, 33, 1), Shape.of(1, 1, 1025), Shape.of(33, 1), rnd);
        checkCompareAndWhere(Shape.of(), Shape.of(7, 13), Shape.of(), rnd);
    }

    /** The broadcast patterns the kernels merge into long runs (bias, weight-norm scale) and ones they cannot. */
    @Test
    void binaryOpsAreBitIdenticalUnderBroadcast() {
        SplittableRandom rnd = new SplittableRandom(5);
        Shape[][] pairs = {
            {Shape.of(4, 3, 5, 5), Shape.of(4, 1, 1, 1)},
            {Shape.of(2, 6, 4, 4), Shape.of(1, 6, 1, 1)},
            {Shape.of(1, 6, 1, 1), Shape.of(2, 6, 4, 4)},
            {Shape.of(3, 1, 5), Shape.of(4, 1)},
            {Shape.of(2, 1, 7, 1), Shape.of(2, 3, 7, 4)},
            {Shape.of(5, 7), Shape.of()},
            {Shape.of(1), Shape.of(9, 1, 1)},
            {Shape.of(2, 3, 4), Shape.of(2, 3, 4)},
        };
        for (Shape[] pair : pairs) {
            float[] a = awkward(pair[0].numel(), rnd);
            float[] b = awkward(pair[1].numel(), rnd);
            for (BinaryOp op : BinaryOp.values()) {
                assertArrayEquals(ref.binary(op, onRef(a, pair[0]), onRef(b, pair[1])).toFloatArray(),
                        cpu.binary(op, onCpu(a, pair[0]), onCpu(b, pair[1])).toFloatArray(),
                        op + " " + pair[0] + " with " + pair[1]);
            }
        }
    }

    private void checkCompareAndWhere(Shape as, Shape bs, Shape ms, SplittableRandom rnd) {
        float[] a = ties(as.numel(), rnd);
        float[] b = ties(bs.numel(), rnd);
        float[] m = ties(ms.numel(), rnd);
        for (CompareOp op : CompareOp.values()) {
            assertArrayEquals(ref.compare(op, onRef(a, as), onRef(b, bs)).toFloatArray(),
                    cpu.compare(op, onCpu(a, as), onCpu(b, bs)).toFloatArray(), op + " " + as + " vs " + bs);
        }
        Tensor want = ref.where(onRef(m, ms), onRef(a, as), onRef(b, bs));
        Tensor got = cpu.where(onCpu(m, ms), onCpu(a, as), onCpu(b, bs));
        assertEquals(want.shape(), got.shape());
        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), "where " + ms + ", " + as + ", " + bs);
    }

    @Test
    void reductionsOverEveryAxisSubsetOfAnOddRank4TensorAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(3);
        Shape s = Shape.of(3, 5, 7, 9);
        float[] plain = spread(s.numel(), rnd);
        float[] withNaN = plain.clone();
        withNaN[100] = Float.NaN;
        withNaN[700] = Float.NEGATIVE_INFINITY;
        for (float[] x : new float[][] {plain, withNaN}) {
            for (int subset = 0; subset < 16; subset++) {
                int[] axes = axesOf(subset);
                for (ReduceOp op : ReduceOp.values()) {
                    for (boolean keep : new boolean[] {false, true}) {
                        checkReduce(op, x, s, axes, keep);
                    }
                }
            }
        }
        checkReduce(ReduceOp.SUM, plain, s, new int[] {-1, 0}, false);
    }

    /** Threaded rows against the reference's serial loop, along every axis (inner ones strided), large enough to split. */
    @Test
    void softmaxAndLogSoftmaxAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (Shape s : new Shape[] {Shape.of(7, 301, 5), Shape.of(1031, 67), Shape.of(3, 0, 2)}) {
            float[] x = awkward(s.numel(), rnd);
            for (int axis = 0; axis < s.rank(); axis++) {
                assertArrayEquals(ref.softmax(onRef(x, s), axis).toFloatArray(), cpu.softmax(onCpu(x, s), axis).toFloatArray(),
                        "softmax " + s + " axis " + axis);
                assertArrayEquals(ref.logSoftmax(onRef(x, s), axis).toFloatArray(),
                        cpu.logSoftmax(onCpu(x, s), axis).toFloatArray(), "logSoftmax " + s + " axis " + axis);
            }
        }
    }

    @Test
    void threadedReductionsOfLargeTensorsAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(4);
        Shape s = Shape.of(16, 33, 17, 19);
        float[] x = spread(s.numel(), rnd);
        for (int[] axes : new int[][] {{0, 2, 3}, {3}, {0}, {1, 2}, {}}) {
            for (ReduceOp op : ReduceOp.values()) {
                checkReduce(op, x, s, axes, false);
            }
        }
    }

    @Test
    void emptyReductionsFollowTheReference() {
        Shape s = Shape.of(2, 0, 3);
        assertArrayEquals(ref.reduce(ReduceOp.SUM, onRef(new float[0], s), new int[] {1}, false).toFloatArray(),
                cpu.reduce(ReduceOp.SUM, onCpu(new float[0], s), new int[] {1}, false).toFloatArray());
        assertThrows(IllegalArgumentException.class,
                () -> cpu.reduce(ReduceOp.MAX, onCpu(new float[0], s), new int[] {1}, false));
    }

    private void checkReduce(ReduceOp op, float[] x, Shape s, int[] axes, boolean keep) {
        Tensor want = ref.reduce(op, onRef(x, s), axes, keep);
        Tensor got = cpu.reduce(op, onCpu(x, s), axes, keep);
        String what = op + " over " + Arrays.toString(axes) + " keep=" + keep + " of " + s;
        assertEquals(want.shape(), got.shape(), what);
        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), what);
    }

    private static int[] axesOf(int subset) {
        return IntStream.range(0, 4).filter(a -> (subset >> a & 1) != 0).toArray();
    }

    @Test
    void slicesAlongEachAxisMatchTheReferenceForFloatsAndInts() {
        SplittableRandom rnd = new SplittableRandom(5);
        Shape s = Shape.of(3, 5, 7);
        float[] x = awkward(s.numel(), rnd);
        int[] xi = new int[s.numel()];
        for (int i = 0; i < xi.length; i++) {
            xi[i] = rnd.nextInt();
        }
        for (int axis = -3; axis < 3; axis++) {
            int size = s.dim(axis);
            for (int[] range : new int[][] {{0, size}, {1, size - 1}, {size - 1, size}, {2, 2}}) {
                String what = "axis " + axis + " [" + range[0] + ", " + range[1] + ")";
                Tensor want = ref.slice(onRef(x, s), axis, range[0], range[1]);
                Tensor got = cpu.slice(onCpu(x, s), axis, range[0], range[1]);
                assertEquals(want.shape(), got.shape(), what);
                assertArrayEquals(want.toFloatArray(), got.toFloatArray(), what);
                assertArrayEquals(ref.slice(ref.fromInts(xi, s), axis, range[0], range[1]).toIntArray(),
                        cpu.slice(cpu.fromInts(xi, s), axis, range[0], range[1]).toIntArray(), what);
            }
        }
    }

    /** Large enough for the threaded strided copies; every layout the models use (NCHW to rows, causal padding). */
    @Test
    void movementOpsOfLargeTensorsAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(6);
        Shape s = Shape.of(3, 17, 20, 33);
        float[] x = awkward(s.numel(), rnd);
        for (int[] perm : new int[][] {{0, 2, 3, 1}, {3, 2, 1, 0}, {0, 1, 3, 2}, {1, 0, 2, 3}, {0, 1, 2, 3}}) {
            assertArrayEquals(ref.permute(onRef(x, s), perm).toFloatArray(), cpu.permute(onCpu(x, s), perm).toFloatArray(),
                    "permute " + Arrays.toString(perm));
        }
        int[][][] pads = {{{0, 0, 4, 2}, {0, 0, 0, 2}}, {{1, 0, 0, 0}, {0, 2, 0, 0}}, {{0, 0, 0, 0}, {0, 0, 0, 1}}};
        for (int[][] pad : pads) {
            assertArrayEquals(ref.pad(onRef(x, s), pad[0], pad[1], 0.5f).toFloatArray(),
                    cpu.pad(onCpu(x, s), pad[0], pad[1], 0.5f).toFloatArray(), "pad " + Arrays.deepToString(pad));
        }
        for (int axis = 0; axis < 4; axis++) {
            Tensor a = onCpu(x, s);
            List<Tensor> onCpu = List.of(a, cpu.slice(a, axis, 1, s.dim(axis)), a);
            List<Tensor> onRef = List.of(onRef(x, s), ref.slice(onRef(x, s), axis, 1, s.dim(axis)), onRef(x, s));
            assertArrayEquals(ref.concat(onRef, axis).toFloatArray(), cpu.concat(onCpu, axis).toFloatArray(),
                    "concat along " + axis);
        }
        Shape small = Shape.of(3, 1, 20, 1);
        float[] y = awkward(small.numel(), rnd);
        assertArrayEquals(ref.expand(onRef(y, small), Shape.of(2, 3, 17, 20, 33)).toFloatArray(),
                cpu.expand(onCpu(y, small), Shape.of(2, 3, 17, 20, 33)).toFloatArray(), "expand");
        int[] rows = new int[4000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rnd.nextInt(s.dim(0) * s.dim(1));
        }
        Shape table = Shape.of(s.dim(0) * s.dim(1), s.dim(2) * s.dim(3));
        assertArrayEquals(ref.gather(onRef(x, table), ref.fromInts(rows, Shape.of(40, 100))).toFloatArray(),
                cpu.gather(onCpu(x, table), cpu.fromInts(rows, Shape.of(40, 100))).toFloatArray(), "gather");
    }
}
