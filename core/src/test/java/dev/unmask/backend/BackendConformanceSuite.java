package dev.unmask.backend;

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
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every op of the {@link dev.unmask.ops.Op} contract, run on the backend under test and on
 * {@link ReferenceBackend}, compared with named tolerances. Sizes are chosen to hit tails (1, 13, 31, 33,
 * 1023, 1025) and data is shaped to catch mistakes: ties for argmin/argmax/vqNearest/max pooling,
 * constant windows, softmax outliers, the fully masked first attention row. A backend's test extends this
 * class and implements {@link #backend()}; the suite only uses the public {@link Backend} API, so it
 * runs unchanged on any backend (the CUDA emulator reuses it through core's test-jar).
 */
public abstract class BackendConformanceSuite {

    /** How far a result may be from the reference: {@code |got - want| <= absolute + relative * |want|}. */
    protected record Tolerance(double absolute, double relative) {
    }

    /** Ops that move, select or compare values, and IEEE-exact arithmetic (+, -, *, /, min, max, abs). */
    protected static final Tolerance EXACT = new Tolerance(0, 0);
    /** exp/log/sqrt/tanh/sigmoid: the reference rounds a double result; a float library is within a few ulp. */
    protected static final Tolerance TRANSCENDENTAL = new Tolerance(1e-7, 1e-6);
    /** Softmax-like ops: a float exp per element and a float sum of up to ~1000 of them. */
    protected static final Tolerance SOFTMAX = new Tolerance(1e-6, 1e-5);

    /**
     * Sums of {@code terms} products of values in [-1, 1] in float, in another order than the reference's
     * (blocked, tree, threaded): the error grows like {@code terms * 2^-24} for such random data.
     */
    protected static Tolerance sums(int terms) {
        return new Tolerance(1e-6 * terms, 1e-5);
    }

    private final ReferenceBackend reference = new ReferenceBackend();

    /** The backend under test. */
    protected abstract Backend backend();

    // ---------------------------------------------------------------- helpers

    /** Data of an F32 input, made into a tensor on whichever backend runs the op. */
    protected record F(float[] data, Shape shape) {
        Tensor on(Backend b) {
            return b.fromFloats(data, shape);
        }
    }

    /** Data of an I32 input. */
    protected record I(int[] data, Shape shape) {
        Tensor on(Backend b) {
            return b.fromInts(data, shape);
        }
    }

    private final SplittableRandom random = new SplittableRandom(20261121);

    /** Uniform values in [-1, 1]. */
    protected F uniform(int... dims) {
        Shape s = Shape.of(dims);
        float[] x = new float[s.numel()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return new F(x, s);
    }

    /** Small integers in [0, levels): many exact ties. */
    protected F levels(int levels, int... dims) {
        Shape s = Shape.of(dims);
        float[] x = new float[s.numel()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(levels);
        }
        return new F(x, s);
    }

    protected I indices(int bound, int... dims) {
        Shape s = Shape.of(dims);
        int[] x = new int[s.numel()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(bound);
        }
        return new I(x, s);
    }

    /** Runs {@code op} on both backends and compares shape, dtype and values. */
    protected void compare(String what, Tolerance tol, Function<Backend, Tensor> op) {
        Tensor want = op.apply(reference);
        Tensor got = op.apply(backend());
        assertTensor(what, tol, want, got);
    }

    protected static void assertTensor(String what, Tolerance tol, Tensor want, Tensor got) {
        assertEquals(want.shape(), got.shape(), what + ": shape");
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        if (want.dtype() == DType.I32) {
            assertArrayEquals(want.toIntArray(), got.toIntArray(), what);
            return;
        }
        float[] w = want.toFloatArray();
        float[] g = got.toFloatArray();
        for (int i = 0; i < w.length; i++) {
            if (Float.isNaN(w[i]) || Float.isNaN(g[i])) {
                assertEquals(Float.isNaN(w[i]), Float.isNaN(g[i]), what + ": NaN at " + i + ", want " + w[i] + " got " + g[i]);
                continue;
            }
            if (w[i] == g[i]) {
                continue;
            }
            double bound = tol.absolute() + tol.relative() * Math.abs(w[i]);
            if (!(Math.abs((double) w[i] - g[i]) <= bound)) {
                throw new AssertionError(what + ": element " + i + " of " + want.shape() + ": want " + w[i] + ", got "
                        + g[i] + " (tolerance " + bound + ")");
            }
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryOps() {
        F x = uniform(13, 33);
        x.data()[0] = 0f;
        x.data()[1] = -0f;
        x.data()[2] = 30f;
        x.data()[3] = -30f;
        F positive = new F(abs(x.data()), x.shape());
        positive.data()[4] = 0f;
        for (UnaryOp op : UnaryOp.values()) {
            F in = op == UnaryOp.LOG || op == UnaryOp.SQRT ? positive : x;
            Tolerance tol = switch (op) {
                case NEG, ABS, RELU -> EXACT;
                default -> TRANSCENDENTAL;
            };
            compare("unary " + op, tol, b -> b.unary(op, in.on(b)));
        }
        F negative = uniform(31);
        negative.data()[0] = -1f;
        compare("log of negatives is NaN", EXACT, b -> b.unary(UnaryOp.LOG, negative.on(b)));
        compare("elu", TRANSCENDENTAL, b -> b.elu(x.on(b), 0.7f));
        compare("leakyRelu", EXACT, b -> b.leakyRelu(x.on(b), 0.01f));
        compare("clamp", EXACT, b -> b.clamp(x.on(b), -0.5f, 0.25f));
        F grad = uniform(13, 33);
        grad.data()[2] = Float.POSITIVE_INFINITY;   // x = 30: passed through
        grad.data()[3] = Float.NaN;                 // x = -30: 0
        compare("reluBackward", EXACT, b -> b.reluBackward(grad.on(b), x.on(b)));
        F eluOut = new F(reference.elu(x.on(reference), 0.7f).toFloatArray(), x.shape());
        compare("eluBackward", EXACT, b -> b.eluBackward(grad.on(b), x.on(b), eluOut.on(b), 0.7f));
    }

    @Test
    void binaryOpsWithAndWithoutBroadcasting() {
        F a = uniform(3, 13, 31);
        F same = uniform(3, 13, 31);
        F row = uniform(31);
        F column = uniform(3, 13, 1);
        F scalar = uniform();
        same.data()[5] = a.data()[5];
        for (BinaryOp op : BinaryOp.values()) {
            compare("binary " + op + " same shape", EXACT, b -> b.binary(op, a.on(b), same.on(b)));
            compare("binary " + op + " row", EXACT, b -> b.binary(op, row.on(b), a.on(b)));
            compare("binary " + op + " column", EXACT, b -> b.binary(op, a.on(b), column.on(b)));
            compare("binary " + op + " scalar", EXACT, b -> b.binary(op, a.on(b), scalar.on(b)));
        }
        F big = uniform(1 << 16);
        F big2 = uniform(1 << 16);
        compare("binary ADD large", EXACT, b -> b.binary(BinaryOp.ADD, big.on(b), big2.on(b)));
        F wide = uniform(64, 1023);
        F wideColumn = uniform(64, 1);
        compare("binary SUB large with a broadcast column", EXACT, b -> b.binary(BinaryOp.SUB, wideColumn.on(b), wide.on(b)));
        F ties = levels(3, 13, 33);
        F ties2 = levels(3, 13, 33);
        F one = new F(new float[] {1f}, Shape.of(1, 1));
        for (CompareOp op : CompareOp.values()) {
            compare("compare " + op, EXACT, b -> b.compare(op, ties.on(b), ties2.on(b)));
            compare("compare " + op + " broadcast", EXACT, b -> b.compare(op, ties.on(b), one.on(b)));
        }
        F mask = levels(2, 13, 1);
        F choices = uniform(13, 31);
        compare("where", EXACT, b -> b.where(mask.on(b), choices.on(b), row.on(b)));
        F fractions = new F(new float[] {-2.7f, -0.5f, 0f, 0.5f, 2.7f, 1e9f}, Shape.of(6));
        compare("cast F32 to I32", EXACT, b -> b.cast(fractions.on(b), DType.I32));
        I ints = indices(1000, 13);
        compare("cast I32 to F32", EXACT, b -> b.cast(ints.on(b), DType.F32));
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void reductions() {
        F x = uniform(3, 13, 33);
        int[][] axesList = {{}, {0}, {1}, {-1}, {0, 2}};
        for (ReduceOp op : ReduceOp.values()) {
            Tolerance tol = op == ReduceOp.MAX || op == ReduceOp.MIN ? EXACT : sums(3 * 13 * 33);
            for (int[] axes : axesList) {
                for (boolean keep : new boolean[] {false, true}) {
                    compare("reduce " + op + " " + java.util.Arrays.toString(axes) + " keep=" + keep, tol,
                            b -> b.reduce(op, x.on(b), axes, keep));
                }
            }
        }
        F ties = levels(3, 13, 31);
        for (int axis : new int[] {0, 1, -1}) {
            compare("argmax ties axis " + axis, EXACT, b -> b.argmax(ties.on(b), axis));
            compare("argmin ties axis " + axis, EXACT, b -> b.argmin(ties.on(b), axis));
        }
        F one = uniform(1, 1);
        compare("argmax of one", EXACT, b -> b.argmax(one.on(b), 1));
    }

    // ---------------------------------------------------------------- movement

    @Test
    void movement() {
        F x = uniform(2, 3, 13, 5);
        I xi = indices(100, 2, 3, 13, 5);
        compare("reshape", EXACT, b -> b.reshape(x.on(b), Shape.of(6, 65)));
        compare("permute", EXACT, b -> b.permute(x.on(b), 2, 0, 3, 1));
        compare("permute I32", EXACT, b -> b.permute(xi.on(b), 3, 2, 1, 0));
        compare("slice", EXACT, b -> b.slice(x.on(b), 2, 3, 11));
        compare("slice empty", EXACT, b -> b.slice(x.on(b), 1, 2, 2));
        compare("pad", EXACT, b -> b.pad(x.on(b), new int[] {0, 1, 2, 0}, new int[] {1, 0, 3, 1}, -2.5f));
        F y = uniform(2, 1, 13, 5);
        compare("concat", EXACT, b -> b.concat(List.of(x.on(b), y.on(b), x.on(b)), 1));
        compare("concat I32", EXACT, b -> b.concat(List.of(xi.on(b), xi.on(b)), -1));
        compare("expand", EXACT, b -> b.expand(y.on(b), Shape.of(3, 2, 4, 13, 5)));
        F table = uniform(33, 4, 3);
        I idx = indices(33, 13, 2);
        compare("gather", EXACT, b -> b.gather(table.on(b), idx.on(b)));
        F src = levels(4, 13, 2, 4, 3);
        compare("scatterAdd with repeated rows", EXACT, b -> b.scatterAdd(idx.on(b), src.on(b), 33));
        compare("oneHot", EXACT, b -> b.oneHot(idx.on(b), 33));
    }

    // ---------------------------------------------------------------- matmul and convolution

    @Test
    void matmulOnAwkwardSizes() {
        int[][] sizes = {{1, 1, 1}, {13, 31, 33}, {33, 1, 13}, {31, 33, 1}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                F a = ta ? uniform(s[1], s[0]) : uniform(s[0], s[1]);
                F bm = tb ? uniform(s[2], s[1]) : uniform(s[1], s[2]);
                compare("matmul " + java.util.Arrays.toString(s) + " ta=" + ta + " tb=" + tb, sums(s[1]),
                        b -> b.matmul(a.on(b), bm.on(b), ta, tb));
            }
        }
        F big = uniform(1025, 33);
        F bigB = uniform(33, 1023);
        compare("matmul 1025x33x1023", sums(33), b -> b.matmul(big.on(b), bigB.on(b), false, false));
        F deep = uniform(13, 1025);
        F deepB = uniform(31, 1025);
        compare("matmul depth 1025, B transposed", sums(1025), b -> b.matmul(deep.on(b), deepB.on(b), false, true));
        F batched = uniform(2, 1, 13, 31);
        F batchedB = uniform(3, 31, 33);
        compare("batched matmul with broadcast", sums(31), b -> b.matmul(batched.on(b), batchedB.on(b), false, false));
    }

    private record ConvCase(int n, int c, int h, int w, int o, int k, Conv2dParams p) {
    }

    private static final ConvCase[] CONV_CASES = {
            new ConvCase(1, 1, 1, 1, 1, 1, Conv2dParams.of(1, 0)),
            new ConvCase(2, 3, 13, 13, 5, 3, Conv2dParams.of(1, 1)),
            new ConvCase(2, 4, 13, 11, 3, 4, Conv2dParams.of(2, 1)),
            new ConvCase(1, 33, 9, 9, 31, 1, Conv2dParams.of(1, 0)),
            new ConvCase(3, 2, 12, 14, 4, 3, new Conv2dParams(2, 1, 2, 1, 2, 1, 0, 0)),
            // a decoder's last layer: many channels to 3, stride 1, with and without padding
            new ConvCase(2, 32, 13, 11, 3, 3, Conv2dParams.of(1, 1)),
            new ConvCase(1, 17, 6, 9, 2, 3, Conv2dParams.of(1, 0)),
            new ConvCase(1, 4, 7, 6, 2, 3, Conv2dParams.of(1, 3)),
    };

    @Test
    void convolutionAndGradients() {
        for (ConvCase cc : CONV_CASES) {
            F x = uniform(cc.n, cc.c, cc.h, cc.w);
            F w = uniform(cc.o, cc.c, cc.k, cc.k);
            F bias = uniform(cc.o);
            int terms = cc.c * cc.k * cc.k;
            compare("conv2d " + cc, sums(terms + 1), b -> b.conv2d(x.on(b), w.on(b), bias.on(b), cc.p));
            compare("conv2d no bias " + cc, sums(terms), b -> b.conv2d(x.on(b), w.on(b), null, cc.p));
            Shape outShape = reference.conv2d(x.on(reference), w.on(reference), null, cc.p).shape();
            F g = uniform(outShape.dims());
            int outTerms = cc.o * cc.k * cc.k;
            compare("conv2dBackwardInput " + cc, sums(outTerms),
                    b -> b.conv2dBackwardInput(g.on(b), w.on(b), x.shape(), cc.p));
            compare("conv2dBackwardWeight " + cc, sums(cc.n * outShape.dim(2) * outShape.dim(3)),
                    b -> b.conv2dBackwardWeight(x.on(b), g.on(b), w.shape(), cc.p));
        }
        F xt = uniform(2, 5, 7, 6);
        F wt = uniform(5, 3, 4, 4);
        F bt = uniform(3);
        compare("convTranspose2d", sums(5 * 16), b -> b.convTranspose2d(xt.on(b), wt.on(b), bt.on(b), Conv2dParams.of(2, 1)));
        Conv2dParams outputPad = new Conv2dParams(2, 2, 1, 0, 1, 1, 1, 1);
        F w3 = uniform(5, 3, 3, 3);
        compare("convTranspose2d output padding", sums(5 * 9), b -> b.convTranspose2d(xt.on(b), w3.on(b), null, outputPad));
    }

    // ---------------------------------------------------------------- pooling and softmax

    @Test
    void pooling() {
        F x = levels(4, 2, 3, 13, 13);
        F smooth = uniform(2, 3, 13, 13);
        Pool2dParams[] params = {
                Pool2dParams.of(2, 2, 0), Pool2dParams.of(3, 1, 1), Pool2dParams.of(3, 2, 1),
                new Pool2dParams(3, 2, 2, 1, 1, 0, false), Pool2dParams.of(1, 1, 0)};
        for (Pool2dParams p : params) {
            compare("maxPool2d ties " + p, EXACT, b -> b.maxPool2d(x.on(b), p));
            compare("minPool2d ties " + p, EXACT, b -> b.minPool2d(x.on(b), p));
            Shape out = reference.maxPool2d(x.on(reference), p).shape();
            F g = uniform(out.dims());
            compare("maxPool2dBackward ties " + p, sums(p.kernelH() * p.kernelW()), b -> b.maxPool2dBackward(x.on(b), g.on(b), p));
            Pool2dParams noCount = new Pool2dParams(p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), false);
            for (Pool2dParams q : new Pool2dParams[] {p, noCount}) {
                compare("avgPool2d " + q, sums(q.kernelH() * q.kernelW()), b -> b.avgPool2d(smooth.on(b), q));
                compare("avgPool2dBackward " + q, sums(q.kernelH() * q.kernelW()),
                        b -> b.avgPool2dBackward(g.on(b), smooth.shape(), q));
            }
        }
    }

    /**
     * Per-channel sums of up to {@code elements} values of size ~1 in another order (blocked, threaded, double or
     * float partial sums); the variance and the input gradient subtract nearly equal terms, so the absolute part
     * is judged on the values' scale.
     */
    private static Tolerance batchNormSums(int elements) {
        return new Tolerance(2e-7 * elements + 1e-6, 1e-5);
    }

    @Test
    void batchNormalisation() {
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 13, 31}, {33, 13, 1, 1}, {3, 5, 33, 1}, {2, 16, 32, 32}};
        for (int[] dims : shapes) {
            String what = " " + Shape.of(dims);
            int elements = dims[0] * dims[2] * dims[3];
            F x = uniform(dims);
            for (int i = 0; i < x.data().length; i += 3) {
                x.data()[i] = 3 * x.data()[i] + 2;  // channels with an offset larger than their spread
            }
            F g = uniform(dims);
            F weight = uniform(dims[1]);
            F bias = uniform(dims[1]);
            F runningMean = uniform(dims[1]);
            F runningVariance = levels(3, dims[1]);
            for (int c = 0; c < dims[1]; c++) {
                runningVariance.data()[c] += 0.5f;
            }
            compare("batchNormStatistics mean" + what, batchNormSums(elements), b -> b.batchNormStatistics(x.on(b)).mean());
            compare("batchNormStatistics variance" + what, batchNormSums(elements),
                    b -> b.batchNormStatistics(x.on(b)).variance());
            F mean = new F(reference.batchNormStatistics(x.on(reference)).mean().toFloatArray(), Shape.of(dims[1]));
            F variance = new F(reference.batchNormStatistics(x.on(reference)).variance().toFloatArray(), Shape.of(dims[1]));
            compare("batchNorm2d" + what, batchNormSums(1), b -> b.batchNorm2d(x.on(b), mean.on(b), variance.on(b),
                    weight.on(b), bias.on(b), 1e-5f));
            for (boolean batch : new boolean[] {true, false}) {
                F m = batch ? mean : runningMean;
                F v = batch ? variance : runningVariance;
                String mode = batch ? " batch statistics" : " running statistics";
                compare("batchNorm2dBackward input" + mode + what, batchNormSums(elements), b -> b.batchNorm2dBackward(
                        g.on(b), x.on(b), m.on(b), v.on(b), weight.on(b), 1e-5f, batch).input());
                compare("batchNorm2dBackward weight" + mode + what, sums(elements), b -> b.batchNorm2dBackward(
                        g.on(b), x.on(b), m.on(b), v.on(b), weight.on(b), 1e-5f, batch).weight());
                compare("batchNorm2dBackward bias" + mode + what, sums(elements), b -> b.batchNorm2dBackward(
                        g.on(b), x.on(b), m.on(b), v.on(b), weight.on(b), 1e-5f, batch).bias());
            }
        }
    }

    @Test
    void nearestUpsampling() {
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 13, 31}, {1, 2, 33, 1}};
        int[][] scales = {{1, 1}, {2, 2}, {3, 1}, {1, 4}, {7, 7}};
        for (int[] dims : shapes) {
            F x = uniform(dims);
            for (int[] k : scales) {
                String what = Shape.of(dims) + " by " + k[0] + "x" + k[1];
                compare("upsampleNearest2d " + what, EXACT, b -> b.upsampleNearest2d(x.on(b), k[0], k[1]));
                F g = uniform(dims[0], dims[1], dims[2] * k[0], dims[3] * k[1]);
                compare("upsampleNearest2dBackward " + what, sums(k[0] * k[1]),
                        b -> b.upsampleNearest2dBackward(g.on(b), k[0], k[1]));
            }
        }
    }

    @Test
    void minAvgPoolWithConstantWindows() {
        F x = uniform(2, 3, 31, 33);
        for (int i = 0; i < 200; i++) {
            x.data()[i] = 0.5f;
        }
        compare("minAvgPool 3/7", sums(49), b -> b.minAvgPool(x.on(b), 3, 7));
        compare("minAvgPool 1/1", EXACT, b -> b.minAvgPool(x.on(b), 1, 1));
        F tiny = uniform(1, 1, 1, 1);
        compare("minAvgPool 1x1 map", sums(49), b -> b.minAvgPool(tiny.on(b), 3, 7));
        F ties = levels(2, 1, 2, 13, 13);
        compare("minAvgPool ties", sums(49), b -> b.minAvgPool(ties.on(b), 5, 3));
    }

    @Test
    void softmaxWithOutliers() {
        F x = uniform(13, 33);
        x.data()[0] = 80f;
        x.data()[33] = -80f;
        for (int i = 66; i < 99; i++) {
            x.data()[i] = 3f;
        }
        for (int axis : new int[] {0, 1, -1}) {
            compare("softmax axis " + axis, SOFTMAX, b -> b.softmax(x.on(b), axis));
            compare("logSoftmax axis " + axis, new Tolerance(2e-5, 1e-5), b -> b.logSoftmax(x.on(b), axis));
        }
        F big = uniform(2, 1025);
        compare("softmax 1025", SOFTMAX, b -> b.softmax(big.on(b), -1));
        I targets = indices(33, 13);
        compare("crossEntropy", new Tolerance(2e-5, 1e-5), b -> b.crossEntropy(x.on(b), targets.on(b)));
    }

    // ---------------------------------------------------------------- fused ops

    @Test
    void vqNearestWithDuplicatesAndExactTies() {
        for (int[] s : new int[][] {{1, 1, 1}, {13, 31, 33}, {1025, 64, 512}}) {
            F z = uniform(s[0], s[1]);
            F book = uniform(s[2], s[1]);
            for (int c = 2; c < s[2]; c += 2) {
                System.arraycopy(book.data(), (c / 2) * s[1], book.data(), c * s[1], s[1]);
            }
            for (int i = 0; i < s[0]; i += 3) {
                System.arraycopy(book.data(), random.nextInt(s[2]) * s[1], z.data(), i * s[1], s[1]);
            }
            compare("vqNearest " + java.util.Arrays.toString(s), EXACT, b -> b.vqNearest(z.on(b), book.on(b)));
        }
        // integer codes and half-integer midpoints: distances tie exactly in any precision
        int d = 64;
        int codes = 37;
        F book = levels(7, codes, d);
        float[] mid = new float[31 * d];
        for (int i = 0; i < 31; i++) {
            int a = random.nextInt(codes);
            int c = random.nextInt(codes);
            for (int j = 0; j < d; j++) {
                mid[i * d + j] = (book.data()[a * d + j] + book.data()[c * d + j]) / 2;
            }
        }
        F z = new F(mid, Shape.of(31, d));
        compare("vqNearest exact midpoints", EXACT, b -> b.vqNearest(z.on(b), book.on(b)));
        F hugeBook = scaled(uniform(13, 5), 1e20f);
        F hugeZ = scaled(uniform(31, 5), 1e20f);
        compare("vqNearest beyond float range of squares", EXACT, b -> b.vqNearest(hugeZ.on(b), hugeBook.on(b)));
        I assignments = indices(33, 1025);
        F vectors = levels(5, 1025, 13);
        compare("vqEmaStatistics counts", EXACT, b -> stats(b, vectors, assignments).counts());
        compare("vqEmaStatistics sums", EXACT, b -> stats(b, vectors, assignments).sums());
    }

    private static VqStatistics stats(Backend b, F vectors, I assignments) {
        return b.vqEmaStatistics(vectors.on(b), assignments.on(b), 33);
    }

    @Test
    void causalAttentionForwardAndBackward() {
        for (int[] s : new int[][] {{1, 1, 1, 1, 1}, {2, 3, 13, 4, 5}, {1, 2, 33, 8, 8}, {1, 1, 1025, 8, 3}}) {
            F q = uniform(s[0], s[1], s[2], s[3]);
            F k = uniform(s[0], s[1], s[2], s[3]);
            F v = uniform(s[0], s[1], s[2], s[4]);
            F g = uniform(s[0], s[1], s[2], s[4]);
            q.data()[q.data().length - 1] = 20f;
            float scale = (float) (1 / Math.sqrt(s[3]));
            String name = "causalAttention " + java.util.Arrays.toString(s);
            compare(name + " out", SOFTMAX, b -> b.causalAttention(q.on(b), k.on(b), v.on(b), scale).out());
            compare(name + " logSumExp", SOFTMAX, b -> b.causalAttention(q.on(b), k.on(b), v.on(b), scale).logSumExp());
            Tolerance grad = sums(s[2] * 4);
            for (int which = 0; which < 3; which++) {
                int w = which;
                compare(name + " gradient " + "qkv".charAt(w), grad, b -> {
                    Tensor qt = q.on(b);
                    Tensor kt = k.on(b);
                    Tensor vt = v.on(b);
                    AttentionResult fwd = b.causalAttention(qt, kt, vt, scale);
                    AttentionGradients gr = b.causalAttentionBackward(qt, kt, vt, scale, fwd, g.on(b));
                    return w == 0 ? gr.query() : w == 1 ? gr.key() : gr.value();
                });
            }
        }
    }

    @Test
    void adamStepInPlace() {
        for (boolean decoupled : new boolean[] {false, true}) {
            AdamParams p = new AdamParams(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 7);
            F param = uniform(13, 33);
            F grad = uniform(13, 33);
            F m = uniform(13, 33);
            F v = new F(abs(uniform(13, 33).data()), Shape.of(13, 33));
            for (int part = 0; part < 3; part++) {
                int which = part;
                compare("adamStep decoupled=" + decoupled + " part " + part, TRANSCENDENTAL, b -> {
                    Tensor[] t = {param.on(b), m.on(b), v.on(b)};
                    b.adamStep(t[0], grad.on(b), t[1], t[2], p);
                    return t[which];
                });
            }
        }
    }

    private static F scaled(F x, float factor) {
        float[] y = x.data().clone();
        for (int i = 0; i < y.length; i++) {
            y[i] *= factor;
        }
        return new F(y, x.shape());
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.abs(x[i]);
        }
        return y;
    }
}
