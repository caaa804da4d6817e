package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.ops.AdamParams;
import dev.unmask.ops.AttentionGradients;
import dev.unmask.ops.AttentionResult;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.CompareOp;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.ops.Pool2dParams;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.ops.VqStatistics;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link CudaBackend} on the emulated runtime (the production kernels run on the CPU) against
 * {@link ReferenceBackend}, op by op, on awkward sizes (1, 13, 31, 33, and sizes just past a tile),
 * with ties, NaN, masked rows and constant windows.
 */
class CudaBackendEmulatedTest {
    /** Same float operations in the same order on both sides: bit-identical results (any NaN matches NaN). */
    private static final double EXACT = 0;
    /** expf/logf/tanhf (glibc) against Java's double functions rounded to float: a few ulps. */
    private static final double TRANSCENDENTAL = 1e-6;
    /** Float sums of up to a few hundred terms of size ~1 against the reference's double sums. */
    private static final double FLOAT_SUM = 2e-5;
    /** Attention and its gradients: float online softmax and float dot products against double. */
    private static final double ATTENTION = 2e-5;

    private static final Random RANDOM = new Random(20240611);
    private static CudaBackend cuda;
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    @BeforeAll
    static void start() {
        cuda = new CudaBackend(EmulatedRuntime.create());
    }

    @AfterAll
    static void stop() {
        if (cuda != null) {
            cuda.close();
        }
    }

    // ---------------------------------------------------------------- support

    private static Tensor random(int... dims) {
        Shape shape = Shape.of(dims);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = RANDOM.nextFloat() * 2 - 1;
        }
        return REFERENCE.fromFloats(data, shape);
    }

    /** Small integers as floats: many exact ties. */
    private static Tensor ties(int... dims) {
        Shape shape = Shape.of(dims);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = RANDOM.nextInt(4) - 2;
        }
        return REFERENCE.fromFloats(data, shape);
    }

    private static Tensor ints(int bound, int... dims) {
        Shape shape = Shape.of(dims);
        int[] data = new int[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = RANDOM.nextInt(bound);
        }
        return REFERENCE.fromInts(data, shape);
    }

    private static Tensor onCuda(Tensor reference) {
        return reference == null ? null : reference.to(cuda);
    }

    /** Runs {@code op} on both backends with the same inputs and compares the results. */
    private static void same(String what, double tolerance, Function<Backend, Function<List<Tensor>, Tensor>> op,
                             Tensor... inputs) {
        Tensor expected = op.apply(REFERENCE).apply(List.of(inputs));
        Tensor[] device = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            device[i] = onCuda(inputs[i]);
        }
        Tensor actual = op.apply(cuda).apply(List.of(device));
        assertClose(what, expected, actual, tolerance);
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double tolerance) {
        assertEquals(cuda, actual.device(), what + ": result not on the CUDA backend");
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        if (expected.dtype() == DType.I32) {
            assertArrayEquals(expected.toIntArray(), actual.toIntArray(), what);
            return;
        }
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = tolerance == EXACT ? Float.floatToIntBits(a[i]) == Float.floatToIntBits(e[i])
                    : Float.isNaN(e[i]) ? Float.isNaN(a[i])
                    : Float.isInfinite(e[i]) ? e[i] == a[i]
                    : Math.abs(a[i] - e[i]) <= tolerance * (1 + Math.abs(e[i]));
            if (!ok) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    // ---------------------------------------------------------------- fused ops

    @Test
    void vqNearestMatchesTheReferenceUpToFloatNearTies() {
        int[][] sizes = {{1, 1, 1}, {13, 13, 31}, {33, 33, 33}, {130, 5, 40}};
        for (int[] s : sizes) {
            Tensor z = random(s[0], s[1]);
            Tensor codebook = random(s[2], s[1]);
            int[] expected = REFERENCE.vqNearest(z, codebook).toIntArray();
            int[] actual = cuda.vqNearest(onCuda(z), onCuda(codebook)).toIntArray();
            float[] zs = z.toFloatArray();
            float[] e = codebook.toFloatArray();
            for (int n = 0; n < expected.length; n++) {
                if (expected[n] != actual[n]) {
                    // float rounding may flip a near-tie: then both codes must be (almost) equally near
                    double gap = Math.abs(distance(zs, e, n, expected[n], s[1]) - distance(zs, e, n, actual[n], s[1]));
                    assertTrue(gap < 1e-5, "vqNearest " + List.of(s[0], s[1], s[2]) + " row " + n + ": code " + actual[n]
                            + " instead of " + expected[n] + " with a distance gap of " + gap);
                }
            }
        }
    }

    @Test
    void vqNearestBeyondTheFloatRangeOfSquaresRunsOnTheCpu() {
        Tensor z = REFERENCE.binary(BinaryOp.MUL, random(31, 5), REFERENCE.fromFloats(new float[] {1e20f}, Shape.scalar()));
        Tensor codebook = REFERENCE.binary(BinaryOp.MUL, random(13, 5), REFERENCE.fromFloats(new float[] {1e20f}, Shape.scalar()));
        same("vqNearest of huge values", EXACT, b -> t -> b.vqNearest(t.get(0), t.get(1)), z, codebook);
    }

    private static double distance(float[] z, float[] e, int n, int k, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double diff = (double) z[n * d + j] - e[k * d + j];
            s += diff * diff;
        }
        return s;
    }

    @Test
    void vqNearestBreaksExactTiesToTheLowestIndex() {
        Tensor base = random(3, 13);
        // codes 0..2 distinct, 3..5 copies of them, 6 far away: every copy ties with the original
        float[] codes = new float[7 * 13];
        float[] b = base.toFloatArray();
        System.arraycopy(b, 0, codes, 0, b.length);
        System.arraycopy(b, 0, codes, b.length, b.length);
        Arrays.fill(codes, 6 * 13, 7 * 13, 100f);
        Tensor codebook = REFERENCE.fromFloats(codes, Shape.of(7, 13));
        Tensor z = REFERENCE.fromFloats(b, Shape.of(3, 13));
        assertArrayEquals(new int[] {0, 1, 2}, cuda.vqNearest(onCuda(z), onCuda(codebook)).toIntArray());
    }

    @Test
    void vqEmaStatistics() {
        Tensor z = random(33, 13);
        Tensor assignments = ints(7, 33);
        VqStatistics expected = REFERENCE.vqEmaStatistics(z, assignments, 9);
        VqStatistics actual = cuda.vqEmaStatistics(onCuda(z), onCuda(assignments), 9);
        assertClose("counts", expected.counts(), actual.counts(), EXACT);
        assertClose("sums", expected.sums(), actual.sums(), FLOAT_SUM);
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.vqEmaStatistics(onCuda(z), onCuda(assignments), 3));
    }

    @Test
    void causalAttentionForwardAndBackward() {
        // widths 8, 16, 32 (by the larger head size), then past 32: the CPU path
        int[][] shapes = {{1, 1, 1, 1, 1}, {2, 3, 13, 5, 8}, {2, 3, 13, 13, 9}, {2, 3, 13, 13, 31}, {1, 2, 70, 32, 5},
                {1, 1, 33, 33, 7}};
        for (int[] s : shapes) {
            String name = "attention " + Arrays.toString(s);
            Tensor q = random(s[0], s[1], s[2], s[3]);
            Tensor k = random(s[0], s[1], s[2], s[3]);
            Tensor v = random(s[0], s[1], s[2], s[4]);
            float scale = (float) (1 / Math.sqrt(s[3]));
            AttentionResult expected = REFERENCE.causalAttention(q, k, v, scale);
            AttentionResult actual = cuda.causalAttention(onCuda(q), onCuda(k), onCuda(v), scale);
            assertClose(name + " out", expected.out(), actual.out(), ATTENTION);
            assertClose(name + " logSumExp", expected.logSumExp(), actual.logSumExp(), ATTENTION);
            Tensor gradOut = random(s[0], s[1], s[2], s[4]);
            AttentionGradients eg = REFERENCE.causalAttentionBackward(q, k, v, scale, expected, gradOut);
            AttentionGradients ag = cuda.causalAttentionBackward(onCuda(q), onCuda(k), onCuda(v), scale, actual, onCuda(gradOut));
            assertClose(name + " dq", eg.query(), ag.query(), ATTENTION);
            assertClose(name + " dk", eg.key(), ag.key(), ATTENTION);
            assertClose(name + " dv", eg.value(), ag.value(), ATTENTION);
        }
    }

    @Test
    void minAvgPoolOnRandomAndConstantPlanes() {
        for (int[] kernels : new int[][] {{3, 7}, {1, 1}, {5, 3}}) {
            same("minAvgPool " + kernels[0] + "/" + kernels[1], FLOAT_SUM,
                    b -> x -> b.minAvgPool(x.get(0), kernels[0], kernels[1]), random(2, 3, 13, 33));
        }
        same("minAvgPool constant", FLOAT_SUM, b -> x -> b.minAvgPool(x.get(0), 3, 7),
                REFERENCE.full(Shape.of(1, 1, 17, 31), DType.F32, 2.5f));
    }

    @Test
    void adamStepCoupledAndDecoupled() {
        for (boolean decoupled : new boolean[] {false, true}) {
            AdamParams p = new AdamParams(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, decoupled, 3);
            Tensor[] ref = {random(33), random(33), random(33), REFERENCE.unary(UnaryOp.ABS, random(33))};
            Tensor[] dev = {onCuda(ref[0]), onCuda(ref[1]), onCuda(ref[2]), onCuda(ref[3])};
            REFERENCE.adamStep(ref[0], ref[1], ref[2], ref[3], p);
            cuda.adamStep(dev[0], dev[1], dev[2], dev[3], p);
            assertClose("adam param", ref[0], dev[0], TRANSCENDENTAL);
            assertClose("adam m", ref[2], dev[2], TRANSCENDENTAL);
            assertClose("adam v", ref[3], dev[3], TRANSCENDENTAL);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryOps() {
        float[] values = new float[33];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i - 16) * 0.37f;
        }
        values[0] = Float.NaN;
        values[1] = 0f;
        Tensor x = REFERENCE.fromFloats(values, Shape.of(33));
        for (UnaryOp op : UnaryOp.values()) {
            same("unary " + op, TRANSCENDENTAL, b -> t -> b.unary(op, t.get(0)), x);
        }
        same("elu", TRANSCENDENTAL, b -> t -> b.elu(t.get(0), 0.7f), x);
        same("leakyRelu", EXACT, b -> t -> b.leakyRelu(t.get(0), 0.01f), x);
        same("clamp", EXACT, b -> t -> b.clamp(t.get(0), -1f, 2f), x);
        float[] grads = new float[33];
        for (int i = 0; i < grads.length; i++) {
            grads[i] = 1.5f - i * 0.11f;
        }
        grads[2] = Float.POSITIVE_INFINITY;   // at x <= 0: the result is 0, not NaN
        grads[30] = Float.NaN;                // at x > 0: passed through
        Tensor grad = REFERENCE.fromFloats(grads, Shape.of(33));
        same("reluBackward", EXACT, b -> t -> b.reluBackward(t.get(0), t.get(1)), grad, x);
        Tensor eluOut = REFERENCE.elu(x, 0.7f);
        same("eluBackward", EXACT, b -> t -> b.eluBackward(t.get(0), t.get(1), t.get(2), 0.7f), grad, x, eluOut);
    }

    @Test
    void binaryOpsCompareAndWhereBroadcast() {
        Tensor a = ties(2, 1, 13);
        Tensor b = ties(31, 1);
        for (BinaryOp op : BinaryOp.values()) {
            same("binary " + op, EXACT, be -> t -> be.binary(op, t.get(0), t.get(1)), a, b);
        }
        for (CompareOp op : CompareOp.values()) {
            same("compare " + op, EXACT, be -> t -> be.compare(op, t.get(0), t.get(1)), a, b);
        }
        same("binary scalar", EXACT, be -> t -> be.binary(BinaryOp.MUL, t.get(0), t.get(1)),
                random(13), REFERENCE.fromFloats(new float[] {3f}, Shape.scalar()));
        same("where", EXACT, be -> t -> be.where(t.get(0), t.get(1), t.get(2)), ties(31, 1), random(2, 1, 13), random(13));
        same("binary rank 9 (CPU path)", EXACT, be -> t -> be.binary(BinaryOp.ADD, t.get(0), t.get(1)),
                random(1, 2, 1, 2, 1, 2, 1, 2, 3), random(3));
    }

    @Test
    void casts() {
        float[] values = {1.7f, -1.7f, 0f, -0.5f, 3e9f, -3e9f, Float.NaN, 13f};
        Tensor x = REFERENCE.fromFloats(values, Shape.of(values.length));
        same("cast to I32", EXACT, b -> t -> b.cast(t.get(0), DType.I32), x);
        same("cast to F32", EXACT, b -> t -> b.cast(t.get(0), DType.F32), ints(1000, 13));
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void reductionsOverAxisRunsAndOthers() {
        Tensor x = random(2, 5, 33);  // few rows: every row is a 256-thread block in the emulator
        int[][] axesSets = {{2}, {1}, {0}, {0, 1}, {1, 2}, {}, {0, 2}, {-1}, {2, 0}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int i = 0; i < axesSets.length; i++) {
                int[] axes = axesSets[i];
                boolean keep = (i + op.ordinal()) % 2 == 0;
                same("reduce " + op + " " + Arrays.toString(axes) + " keep " + keep, FLOAT_SUM,
                        b -> t -> b.reduce(op, t.get(0), axes, keep), x);
            }
        }
        float[] withNan = new float[33];
        withNan[17] = Float.NaN;
        Tensor nan = REFERENCE.fromFloats(withNan, Shape.of(1, 33));
        same("max with NaN", EXACT, b -> t -> b.reduce(ReduceOp.MAX, t.get(0), new int[] {1}, false), nan);
        same("min with NaN", EXACT, b -> t -> b.reduce(ReduceOp.MIN, t.get(0), new int[] {0}, false), nan);
    }

    @Test
    void argmaxAndArgminWithTiesAndNaN() {
        Tensor x = ties(3, 13, 31);
        for (int axis = -1; axis < 3; axis++) {
            int a = axis;
            same("argmax " + a, EXACT, b -> t -> b.argmax(t.get(0), a), x);
            same("argmin " + a, EXACT, b -> t -> b.argmin(t.get(0), a), x);
        }
        Tensor nan = REFERENCE.fromFloats(new float[] {1, Float.NaN, 5, Float.NaN}, Shape.of(4));
        same("argmax NaN", EXACT, b -> t -> b.argmax(t.get(0), 0), nan);
        same("argmin NaN", EXACT, b -> t -> b.argmin(t.get(0), 0), nan);
    }

    @Test
    void softmaxLogSoftmaxAndCrossEntropyWithOutliers() {
        Tensor x = random(5, 33);
        float[] outliers = x.toFloatArray();
        outliers[5] = 80f;
        outliers[40] = -90f;
        Tensor y = REFERENCE.fromFloats(outliers, Shape.of(5, 33));
        same("softmax", TRANSCENDENTAL, b -> t -> b.softmax(t.get(0), -1), y);
        same("logSoftmax", FLOAT_SUM, b -> t -> b.logSoftmax(t.get(0), 1), y);
        same("softmax axis 0", TRANSCENDENTAL, b -> t -> b.softmax(t.get(0), 0), y);
        same("logSoftmax over channels", FLOAT_SUM, b -> t -> b.logSoftmax(t.get(0), 1), random(2, 13, 3, 5));
        same("softmax of one", EXACT, b -> t -> b.softmax(t.get(0), 0), random(1));
        same("crossEntropy", FLOAT_SUM, b -> t -> b.crossEntropy(t.get(0), t.get(1)), y, ints(33, 5));
        Tensor bad = REFERENCE.fromInts(new int[] {0, 33}, Shape.of(2));
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.crossEntropy(onCuda(random(2, 33)), onCuda(bad)));
    }

    // ---------------------------------------------------------------- gather and friends

    @Test
    void gatherScatterAddOneHot() {
        Tensor table = random(13, 3, 2);
        Tensor indices = ints(13, 5, 7);
        same("gather F32", EXACT, b -> t -> b.gather(t.get(0), t.get(1)), table, indices);
        same("gather I32", EXACT, b -> t -> b.gather(t.get(0), t.get(1)), ints(100, 13, 4), indices);
        Tensor repeated = REFERENCE.fromInts(new int[] {2, 2, 2, 0, 2}, Shape.of(5));
        same("scatterAdd", FLOAT_SUM, b -> t -> b.scatterAdd(t.get(0), t.get(1), 4), repeated, random(5, 31));
        same("oneHot", EXACT, b -> t -> b.oneHot(t.get(0), 13), indices);
        Tensor outside = REFERENCE.fromInts(new int[] {1, -1}, Shape.of(2));
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.gather(onCuda(table), onCuda(outside)));
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.scatterAdd(onCuda(outside), onCuda(random(2)), 3));
        assertThrows(IndexOutOfBoundsException.class, () -> cuda.oneHot(onCuda(outside), 3));
    }

    // ---------------------------------------------------------------- matmul and convolution

    @Test
    void matmulTransposedBatchedAndBroadcast() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? random(31, 13) : random(13, 31);
                Tensor b = tb ? random(65, 31) : random(31, 65);
                same("matmul " + ta + " " + tb, FLOAT_SUM, be -> t -> be.matmul(t.get(0), t.get(1), ta, tb), a, b);
            }
        }
        same("matmul batched", FLOAT_SUM, be -> t -> be.matmul(t.get(0), t.get(1), false, false), random(2, 3, 13, 5), random(2, 3, 5, 7));
        same("matmul one matrix against a batch", FLOAT_SUM, be -> t -> be.matmul(t.get(0), t.get(1), false, true),
                random(13, 5), random(3, 7, 5));
        same("matmul mixed broadcast (CPU path)", FLOAT_SUM, be -> t -> be.matmul(t.get(0), t.get(1), false, false),
                random(2, 1, 4, 5), random(1, 3, 5, 6));
        same("matmul 1x1x1", FLOAT_SUM, be -> t -> be.matmul(t.get(0), t.get(1), false, false), random(1, 1), random(1, 1));
    }

    /** No cuBLAS on the emulated runtime: matmul launches our {@code sgemm_batched}, as on a GPU without CUDA 12. */
    @Test
    void matmulRunsOurSgemmKernelWithoutAnAccelerator() {
        assertFalse(cuda.gemmAccelerator().available());
        assertTrue(cuda.gemmAccelerator().reason().contains(cuda.runtime().name()), cuda.gemmAccelerator().reason());

        EmulatedRuntime emulated = EmulatedRuntime.create();
        List<String> launched = new ArrayList<>();
        DeviceRuntime recording = (DeviceRuntime) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DeviceRuntime.class}, (proxy, method, args) -> {
                    if (method.getName().equals("launch")) {
                        launched.add((String) args[0]);
                    }
                    try {
                        return method.invoke(emulated, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Tensor a = random(13, 31);
        Tensor b = random(31, 65);
        try (CudaBackend backend = new CudaBackend(recording)) {
            Tensor product = backend.matmul(a.to(backend), b.to(backend), false, false);
            assertEquals(List.of("sgemm_batched"), launched);
            // same kernel, same inputs as the shared backend, whose results the reference checks above
            assertArrayEquals(cuda.matmul(onCuda(a), onCuda(b), false, false).toFloatArray(), product.toFloatArray());
        }
    }

    @Test
    void convolutionsAndTheirGradients() {
        Conv2dParams[] geometries = {Conv2dParams.of(1, 1), Conv2dParams.of(2, 0), Conv2dParams.of(1, 2, 2),
                new Conv2dParams(2, 1, 1, 0, 1, 2, 0, 0)};
        Tensor x = random(2, 3, 13, 11);
        Tensor w = random(5, 3, 3, 3);
        Tensor bias = random(5);
        for (Conv2dParams p : geometries) {
            String name = "conv2d " + p;
            same(name, FLOAT_SUM, b -> t -> b.conv2d(t.get(0), t.get(1), t.get(2), p), x, w, bias);
            same(name + " no bias", FLOAT_SUM, b -> t -> b.conv2d(t.get(0), t.get(1), null, p), x, w);
            Shape outShape = REFERENCE.conv2d(x, w, null, p).shape();
            Tensor gradOut = random(outShape.dims());
            same(name + " backward input", FLOAT_SUM,
                    b -> t -> b.conv2dBackwardInput(t.get(0), t.get(1), x.shape(), p), gradOut, w);
            same(name + " backward weight", FLOAT_SUM,
                    b -> t -> b.conv2dBackwardWeight(t.get(0), t.get(1), w.shape(), p), x, gradOut);
        }
        Conv2dParams up = new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1);
        same("convTranspose2d", FLOAT_SUM, b -> t -> b.convTranspose2d(t.get(0), t.get(1), t.get(2), up),
                random(2, 3, 7, 6), random(3, 4, 3, 3), random(4));
    }

    // ---------------------------------------------------------------- pooling

    @Test
    void poolingForwardAndBackwardWithTies() {
        Pool2dParams[] geometries = {Pool2dParams.of(2, 2, 0), Pool2dParams.of(3, 2, 1),
                new Pool2dParams(3, 3, 1, 1, 1, 1, false), new Pool2dParams(3, 1, 2, 1, 1, 0, true)};
        Tensor x = ties(2, 3, 13, 11);
        for (Pool2dParams p : geometries) {
            same("maxPool2d " + p, EXACT, b -> t -> b.maxPool2d(t.get(0), p), x);
            same("minPool2d " + p, EXACT, b -> t -> b.minPool2d(t.get(0), p), x);
            same("avgPool2d " + p, FLOAT_SUM, b -> t -> b.avgPool2d(t.get(0), p), x);
            Tensor gradOut = random(REFERENCE.maxPool2d(x, p).shape().dims());
            same("maxPool2dBackward " + p, FLOAT_SUM, b -> t -> b.maxPool2dBackward(t.get(0), t.get(1), p), x, gradOut);
            same("avgPool2dBackward " + p, FLOAT_SUM, b -> t -> b.avgPool2dBackward(t.get(0), x.shape(), p), gradOut);
        }
    }

    // ---------------------------------------------------------------- movement (CPU fallback) and data

    @Test
    void movementOpsAndDataMovement() {
        Tensor x = random(2, 3, 5);
        same("permute", EXACT, b -> t -> b.permute(t.get(0), 2, 0, 1), x);
        same("slice", EXACT, b -> t -> b.slice(t.get(0), 1, 1, 3), x);
        same("slice last axis", EXACT, b -> t -> b.slice(t.get(0), -1, 4, 5), x);
        same("slice first axis", EXACT, b -> t -> b.slice(t.get(0), 0, 1, 2), x);
        same("slice empty", EXACT, b -> t -> b.slice(t.get(0), 2, 3, 3), x);
        same("slice I32", EXACT, b -> t -> b.slice(t.get(0), 1, 2, 13), ints(9, 3, 13));
        same("pad", EXACT, b -> t -> b.pad(t.get(0), new int[] {0, 1, 2}, new int[] {1, 0, 1}, -3f), x);
        same("pad with zeros, spatial only", EXACT, b -> t -> b.pad(t.get(0), new int[] {0, 0, 1, 2}, new int[] {0, 0, 0, 1}, 0f),
                random(2, 3, 13, 4));
        same("pad nothing", EXACT, b -> t -> b.pad(t.get(0), new int[3], new int[3], 1f), x);
        same("pad I32", EXACT, b -> t -> b.pad(t.get(0), new int[] {1}, new int[] {2}, 7f), ints(9, 13));
        same("concat last axis", EXACT, b -> t -> b.concat(List.of(t.get(0), t.get(1)), 2), x, random(2, 3, 1));
        same("concat middle axis", EXACT, b -> t -> b.concat(List.of(t.get(0), t.get(1), t.get(2)), 1), x, random(2, 1, 5),
                random(2, 4, 5));
        same("concat first axis", EXACT, b -> t -> b.concat(List.of(t.get(0), t.get(1)), 0), x, random(1, 3, 5));
        same("concat with an empty piece", EXACT, b -> t -> b.concat(List.of(t.get(0), t.get(1)), -1), x, random(2, 3, 0));
        same("concat one", EXACT, b -> t -> b.concat(List.of(t.get(0)), 1), x);
        same("concat I32", EXACT, b -> t -> b.concat(List.of(t.get(0), t.get(1)), 0), ints(5, 2, 3), ints(5, 1, 3));
        same("expand", EXACT, b -> t -> b.expand(t.get(0), Shape.of(4, 3, 5)), random(3, 1));
        same("expand scalar", EXACT, b -> t -> b.expand(t.get(0), Shape.of(2, 13)), REFERENCE.fromFloats(new float[] {-0f}, Shape.scalar()));
        float[] special = {Float.NaN, -0f, Float.MIN_VALUE, Float.NEGATIVE_INFINITY, 1e-40f, 3f};
        same("permute keeps NaN, -0 and subnormals", EXACT, b -> t -> b.permute(t.get(0), 1, 0),
                REFERENCE.fromFloats(special, Shape.of(2, 3)));
        same("permute rank 4", EXACT, b -> t -> b.permute(t.get(0), 0, 2, 1, 3), random(2, 13, 3, 5));
        same("permute I32", EXACT, b -> t -> b.permute(t.get(0), 1, 0), ints(9, 3, 13));
        same("expand I32", EXACT, b -> t -> b.expand(t.get(0), Shape.of(3, 4)), ints(9, 1, 4));
        same("reshape", EXACT, b -> t -> b.reshape(t.get(0), Shape.of(6, 5)), x);
        same("full", EXACT, b -> t -> b.full(Shape.of(13), DType.F32, 1.5f));
        same("full -0", EXACT, b -> t -> b.full(Shape.of(2, 3), DType.F32, -0f));
        same("full I32", EXACT, b -> t -> b.full(Shape.of(33), DType.I32, -7.9f));
        same("permute rank 9 (CPU path)", EXACT, b -> t -> b.permute(t.get(0), 8, 1, 2, 3, 4, 5, 6, 7, 0),
                random(2, 1, 1, 1, 1, 1, 1, 1, 3));
        same("zeros", EXACT, b -> t -> b.full(Shape.of(13), DType.I32, 0f));
        Tensor destination = cuda.full(Shape.of(2, 3, 5), DType.F32, 0f);
        cuda.copyInto(destination, onCuda(x));
        assertArrayEquals(x.toFloatArray(), destination.toFloatArray());
    }

    @Test
    void scopesFreeTheTensorsCreatedInThem() {
        EmulatedRuntime runtime = (EmulatedRuntime) cuda.runtime();
        Tensor kept = onCuda(random(13));
        int before = runtime.liveAllocations();
        try (DeviceScope scope = cuda.openScope()) {
            Tensor inside = cuda.unary(UnaryOp.EXP, kept);
            cuda.concat(List.of(cuda.permute(inside.reshape(1, 13), 1, 0), kept.reshape(13, 1)), 0);
            assertEquals(before + 3, runtime.liveAllocations(), "exp, permute and concat results");
        }
        assertEquals(before, runtime.liveAllocations());
        assertEquals(13, kept.toFloatArray().length);
    }

    /** Barrier-using kernels under both deterministic thread orders: a missing barrier fails one of them. */
    @Test
    void barrierKernelsAgreeUnderForwardAndReverseThreadOrders() {
        EmulatedRuntime runtime = (EmulatedRuntime) cuda.runtime();
        Tensor q = random(1, 1, 70, 5);
        Tensor k = random(1, 1, 70, 5);
        Tensor v = random(1, 1, 70, 3);
        Tensor gradOut = random(1, 1, 70, 3);
        Tensor[] codes = separatedCodes();
        AttentionResult expected = REFERENCE.causalAttention(q, k, v, 0.5f);
        AttentionGradients expectedGrad = REFERENCE.causalAttentionBackward(q, k, v, 0.5f, expected, gradOut);
        try {
            for (EmulatedRuntime.Schedule schedule : List.of(EmulatedRuntime.Schedule.FORWARD, EmulatedRuntime.Schedule.REVERSE)) {
                runtime.setSchedule(schedule);
                same("vqNearest " + schedule, EXACT, b -> t -> b.vqNearest(t.get(0), t.get(1)), codes[0], codes[1]);
                same("minAvgPool " + schedule, FLOAT_SUM, b -> t -> b.minAvgPool(t.get(0), 3, 7), random(1, 1, 17, 18));
                same("row sum " + schedule, FLOAT_SUM, b -> t -> b.reduce(ReduceOp.SUM, t.get(0), new int[] {1}, false), random(2, 300));
                same("softmax " + schedule, TRANSCENDENTAL, b -> t -> b.softmax(t.get(0), 1), random(2, 300));
                same("matmul " + schedule, FLOAT_SUM, b -> t -> b.matmul(t.get(0), t.get(1), false, false), random(65, 17), random(17, 3));
                AttentionResult actual = cuda.causalAttention(onCuda(q), onCuda(k), onCuda(v), 0.5f);
                assertClose("attention " + schedule, expected.out(), actual.out(), ATTENTION);
                AttentionGradients grad = cuda.causalAttentionBackward(onCuda(q), onCuda(k), onCuda(v), 0.5f, actual, onCuda(gradOut));
                assertClose("attention dk " + schedule, expectedGrad.key(), grad.key(), ATTENTION);
                assertClose("attention dq " + schedule, expectedGrad.query(), grad.query(), ATTENTION);
            }
        } finally {
            runtime.setSchedule(EmulatedRuntime.Schedule.PARALLEL);
        }
    }

    /** 130 vectors, each within 0.05 of one of 33 codes that are at least 1 apart: no near ties. */
    private static Tensor[] separatedCodes() {
        float[] codebook = new float[33 * 3];
        for (int k = 0; k < 33; k++) {
            codebook[3 * k] = k;
            codebook[3 * k + 1] = k % 3;
            codebook[3 * k + 2] = -k / 2f;
        }
        float[] z = new float[130 * 3];
        for (int n = 0; n < 130; n++) {
            int k = RANDOM.nextInt(33);
            for (int j = 0; j < 3; j++) {
                z[3 * n + j] = codebook[3 * k + j] + (RANDOM.nextFloat() - 0.5f) * 0.1f;
            }
        }
        return new Tensor[] {REFERENCE.fromFloats(z, Shape.of(130, 3)), REFERENCE.fromFloats(codebook, Shape.of(33, 3))};
    }

    @Test
    void closingTheBackendFreesOpenScopesSoClosingThemLaterIsHarmless() {
        CudaBackend backend = new CudaBackend(EmulatedRuntime.create());
        DeviceScope scope = backend.openScope();
        Tensor inScope = backend.fromFloats(new float[] {1f}, Shape.of(1));
        backend.close();
        assertThrows(IllegalStateException.class, inScope::toFloatArray);
        assertDoesNotThrow(scope::close);
        assertDoesNotThrow(backend::close);
    }
}
