package dev.unmask.backend.cpu.kernels;

import dev.unmask.backend.cpu.CpuBackend;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DirectConvolution} on both kernel implementations against {@link ReferenceBackend}'s plain double
 * loops: the forward, the input gradient and the weight gradient over strides, paddings, dilations, odd sizes, batches smaller and
 * larger than the thread count, masked (all-zero) taps, output padding and an all-zero kernel.
 */
class DirectConvolutionTest {
    private final ReferenceBackend ref = new ReferenceBackend();

    /** in/out are multiples of the kernel's tile width: {@code in} channels read, {@code out} produced. */
    private record Case(int n, int inMult, int readExtra, int h, int w, int kh, int kw, Conv2dParams p, boolean causal) {
    }

    private static final Case[] CASES = {
            new Case(3, 1, 5, 9, 11, 3, 3, Conv2dParams.of(1, 1), false),
            new Case(2, 2, 3, 16, 15, 4, 4, Conv2dParams.of(2, 1), false),
            new Case(1, 1, 7, 13, 10, 3, 2, new Conv2dParams(2, 3, 0, 1, 1, 2, 0, 0), false),
            new Case(5, 1, 4, 6, 6, 5, 5, Conv2dParams.of(1, 2), true),
            new Case(2, 1, 16, 8, 8, 1, 1, Conv2dParams.of(1, 0), false),
            new Case(1, 1, 6, 7, 7, 3, 3, Conv2dParams.of(3, 0), false),
            new Case(4, 1, 3, 5, 9, 3, 3, Conv2dParams.of(1, 2, 2), false),
            new Case(2, 1, 5, 11, 13, 3, 4, new Conv2dParams(3, 2, 1, 2, 1, 1, 0, 0), false),
            // wide enough for the 16 x 16 block moves of the layout changes, with remainders in channels and columns
            new Case(1, 1, 19, 6, 21, 3, 3, Conv2dParams.of(1, 1), false),
            new Case(2, 2, 32, 5, 34, 3, 3, Conv2dParams.of(1, 1), false),
            new Case(2, 1, 16, 4, 40, 4, 4, Conv2dParams.of(2, 1), false),
    };

    private static List<FloatKernels> kernels() {
        List<FloatKernels> all = new ArrayList<>();
        all.add(new ScalarFloatKernels());
        FloatKernels vector = KernelProvider.vectorKernelsOrNull();
        if (vector != null) {
            all.add(vector);
        }
        return all;
    }

    @Test
    void forwardMatchesPlainLoops() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (FloatKernels k : kernels()) {
            for (Case t : CASES) {
                int o = t.inMult * k.directWidth();
                int c = t.readExtra;
                float[] x = random(t.n * c * t.h * t.w, rnd);
                float[] w = weights(o, c, t, rnd);
                float[] b = random(o, rnd);
                Tensor expected = ref.conv2d(ref(x, t.n, c, t.h, t.w), ref(w, o, c, t.kh, t.kw), ref(b, o), t.p);
                Tensor scale = ref.conv2d(ref(abs(x), t.n, c, t.h, t.w), ref(abs(w), o, c, t.kh, t.kw), ref(abs(b), o), t.p);
                Convolution.Geometry g = new Convolution.Geometry(t.n, c, t.h, t.w, o, t.kh, t.kw,
                        expected.dim(2), expected.dim(3), t.p);
                assertEquals(!g.pointwise() && c * t.kw >= DirectConvolution.MIN_RUN, DirectConvolution.applies(k, g, o, c),
                        "dispatch " + t);
                float[] got = DirectConvolution.forward(k, g, x, w, b);
                assertClose(expected.toFloatArray(), scale.toFloatArray(), got, k + " forward " + t);
            }
        }
    }

    @Test
    void inputGradientMatchesPlainLoops() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (FloatKernels k : kernels()) {
            for (Case t : CASES) {
                // the gradient produces the convolution's input channels: those fill the tiles here
                int c = t.inMult * k.directWidth();
                int o = t.readExtra;
                Shape in = Shape.of(t.n, c, t.h, t.w);
                Shape outShape = ref.conv2d(ref(new float[t.n * c * t.h * t.w], t.n, c, t.h, t.w),
                        ref(new float[o * c * t.kh * t.kw], o, c, t.kh, t.kw), null, t.p).shape();
                float[] gradOut = random(outShape.numel(), rnd);
                float[] w = weights(o, c, t, rnd);
                Tensor expected = ref.conv2dBackwardInput(ref.fromFloats(gradOut, outShape), ref(w, o, c, t.kh, t.kw), in, t.p);
                Tensor scale = ref.conv2dBackwardInput(ref.fromFloats(abs(gradOut), outShape), ref(abs(w), o, c, t.kh, t.kw), in, t.p);
                Convolution.Geometry g = new Convolution.Geometry(t.n, c, t.h, t.w, o, t.kh, t.kw,
                        outShape.dim(2), outShape.dim(3), t.p);
                float[] got = DirectConvolution.backwardInput(k, g, gradOut, w);
                assertClose(expected.toFloatArray(), scale.toFloatArray(), got, k + " input gradient " + t);
            }
        }
    }

    /** Through {@link Convolution#backwardWeight}: the undilated cases take the direct packing, the others im2col. */
    @Test
    void weightGradientMatchesPlainLoops() {
        SplittableRandom rnd = new SplittableRandom(16);
        for (FloatKernels k : kernels()) {
            for (Case t : CASES) {
                for (int o : new int[] {t.inMult * 3 + 2, t.readExtra * t.kh * t.kw + 7}) {
                    int c = t.readExtra;
                    float[] x = random(t.n * c * t.h * t.w, rnd);
                    Shape wShape = Shape.of(o, c, t.kh, t.kw);
                    Shape outShape = ref.conv2d(ref(x, t.n, c, t.h, t.w), ref.fromFloats(new float[wShape.numel()], wShape),
                            null, t.p).shape();
                    float[] gradOut = random(outShape.numel(), rnd);
                    Tensor expected = ref.conv2dBackwardWeight(ref(x, t.n, c, t.h, t.w), ref.fromFloats(gradOut, outShape), wShape, t.p);
                    Tensor scale = ref.conv2dBackwardWeight(ref(abs(x), t.n, c, t.h, t.w), ref.fromFloats(abs(gradOut), outShape),
                            wShape, t.p);
                    Convolution.Geometry g = new Convolution.Geometry(t.n, c, t.h, t.w, o, t.kh, t.kw,
                            outShape.dim(2), outShape.dim(3), t.p);
                    float[] got = Convolution.backwardWeight(k, g, x, gradOut);
                    String path = DirectConvolution.appliesToWeight(g) ? " (direct)" : " (im2col)";
                    assertClose(expected.toFloatArray(), scale.toFloatArray(), got, k + " weight gradient" + path + ", " + o
                            + " channels " + t);
                }
            }
        }
    }

    /**
     * The threads split the weight gradient's rows or columns, never the sum over images, so every split gives the
     * same bits: training does not depend on the thread count. (Splitting the images, as before, fails this.)
     */
    @Test
    void weightGradientDoesNotDependOnHowItIsSplit() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (FloatKernels k : kernels()) {
            for (Case t : CASES) {
                int c = t.readExtra;
                // fewer output channels than columns (split by columns), and more (split by rows)
                for (int o : new int[] {t.inMult * 3 + 2, c * t.kh * t.kw + 7}) {
                    float[] x = random(t.n * c * t.h * t.w, rnd);
                    Shape outShape = ref.conv2d(ref(x, t.n, c, t.h, t.w), ref.fromFloats(new float[o * c * t.kh * t.kw],
                            Shape.of(o, c, t.kh, t.kw)), null, t.p).shape();
                    float[] gradOut = random(outShape.numel(), rnd);
                    Convolution.Geometry g = new Convolution.Geometry(t.n, c, t.h, t.w, o, t.kh, t.kw,
                            outShape.dim(2), outShape.dim(3), t.p);
                    float[] whole = Convolution.backwardWeight(k, g, x, gradOut, 1);
                    for (int parts : new int[] {2, 3, 5, 1000}) {
                        assertArrayEquals(whole, Convolution.backwardWeight(k, g, x, gradOut, parts),
                                k + " weight gradient of " + o + " channels in " + parts + " parts " + t);
                    }
                }
            }
        }
    }

    /** Output padding leaves rows and columns that no tap reaches: they must come out as the bias alone. */
    @Test
    void transposedConvolutionWithOutputPaddingThroughTheBackend() {
        SplittableRandom rnd = new SplittableRandom(13);
        CpuBackend cpu = new CpuBackend();
        int out = KernelProvider.kernels().directWidth();
        Conv2dParams p = new Conv2dParams(3, 2, 1, 0, 1, 1, 2, 1);
        float[] x = random(2 * 5 * 4 * 6, rnd);
        float[] w = random(5 * out * 3 * 3, rnd);
        float[] b = random(out, rnd);
        Tensor expected = ref.convTranspose2d(ref(x, 2, 5, 4, 6), ref(w, 5, out, 3, 3), ref(b, out), p);
        Tensor scale = ref.convTranspose2d(ref(abs(x), 2, 5, 4, 6), ref(abs(w), 5, out, 3, 3), ref(abs(b), out), p);
        Tensor got = cpu.convTranspose2d(cpu.fromFloats(x, Shape.of(2, 5, 4, 6)), cpu.fromFloats(w, Shape.of(5, out, 3, 3)),
                cpu.fromFloats(b, Shape.of(out)), p);
        assertEquals(expected.shape(), got.shape());
        assertClose(expected.toFloatArray(), scale.toFloatArray(), got.toFloatArray(), "transposed with output padding");
    }

    @Test
    void allZeroKernelGivesTheBias() {
        for (FloatKernels k : kernels()) {
            int o = k.directWidth();
            Convolution.Geometry g = new Convolution.Geometry(3, 2, 5, 4, o, 3, 3, 5, 4, Conv2dParams.of(1, 1));
            float[] b = random(o, new SplittableRandom(14));
            float[] got = DirectConvolution.forward(k, g, random(3 * 2 * 5 * 4, new SplittableRandom(15)),
                    new float[o * 2 * 9], b);
            float[] expected = new float[got.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = b[i / 20 % o];
            }
            assertArrayEquals(expected, got, k.toString());
        }
    }

    /**
     * Inputs with all-zero rows (the top four, as a causal convolution's explicit padding makes them, one in the
     * middle, one of -0): the runs of taps over them are skipped, and tiles of six positions straddle zero and
     * non-zero rows (width 9), so a wrong skip or a missed first write changes sums.
     */
    @Test
    void runsOverZeroRowsAreSkippedWithoutChangingSums() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (FloatKernels k : kernels()) {
            for (Conv2dParams p : new Conv2dParams[] {Conv2dParams.of(1, 0), Conv2dParams.of(1, 2), Conv2dParams.of(2, 1)}) {
                Case t = new Case(3, 1, 7, 12, 9, 5, 5, p, true);
                int o = k.directWidth();
                int c = t.readExtra;
                float[] x = withZeroRows(random(t.n * c * t.h * t.w, rnd), t.n * c, t.h, t.w);
                float[] w = weights(o, c, t, rnd);
                float[] b = random(o, rnd);
                Tensor expected = ref.conv2d(ref(x, t.n, c, t.h, t.w), ref(w, o, c, t.kh, t.kw), ref(b, o), p);
                Tensor scale = ref.conv2d(ref(abs(x), t.n, c, t.h, t.w), ref(abs(w), o, c, t.kh, t.kw), ref(abs(b), o), p);
                Convolution.Geometry g = new Convolution.Geometry(t.n, c, t.h, t.w, o, t.kh, t.kw,
                        expected.dim(2), expected.dim(3), p);
                assertClose(expected.toFloatArray(), scale.toFloatArray(), DirectConvolution.forward(k, g, x, w, b),
                        k + " forward over zero rows " + p);
            }
        }
    }

    /** An infinite weight times a zero input is NaN in the reference: no run is skipped then. */
    @Test
    void anInfiniteWeightOverZeroRowsGivesNaNAsTheReference() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (FloatKernels k : kernels()) {
            Case t = new Case(2, 1, 3, 9, 7, 3, 3, Conv2dParams.of(1, 0), false);
            int o = k.directWidth();
            float[] x = withZeroRows(random(t.n * 3 * t.h * t.w, rnd), t.n * 3, t.h, t.w);
            float[] w = weights(o, 3, t, rnd);
            w[5] = Float.POSITIVE_INFINITY;
            Tensor expected = ref.conv2d(ref(x, t.n, 3, t.h, t.w), ref(w, o, 3, 3, 3), null, t.p);
            Convolution.Geometry g = new Convolution.Geometry(t.n, 3, t.h, t.w, o, 3, 3, expected.dim(2), expected.dim(3), t.p);
            float[] got = DirectConvolution.forward(k, g, x, w, null);
            float[] want = expected.toFloatArray();
            int nan = 0;
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.isNaN(want[i]), Float.isNaN(got[i]), k + " NaN at " + i);
                nan += Float.isNaN(want[i]) ? 1 : 0;
            }
            assertTrue(nan > 0, "the case must produce NaN");
        }
    }

    /** Zeroes rows 0-3 and the middle row of every plane, and writes -0 into the row after the middle one. */
    private static float[] withZeroRows(float[] x, int planes, int h, int w) {
        for (int plane = 0; plane < planes; plane++) {
            for (int y : new int[] {0, 1, 2, 3, h / 2, h / 2 + 1}) {
                Arrays.fill(x, (plane * h + y) * w, (plane * h + y + 1) * w, y == h / 2 + 1 ? -0f : 0f);
            }
        }
        return x;
    }

    /** Random weights; with {@code causal}, the centre-and-right taps of the last row and the rows below are zero. */
    private static float[] weights(int o, int c, Case t, SplittableRandom rnd) {
        float[] w = random(o * c * t.kh * t.kw, rnd);
        if (t.causal) {
            for (int i = 0; i < w.length; i++) {
                int ky = i / t.kw % t.kh;
                int kx = i % t.kw;
                if (ky > t.kh / 2 || (ky == t.kh / 2 && kx >= t.kw / 2)) {
                    w[i] = 0f;
                }
            }
        }
        return w;
    }

    private static void assertClose(float[] expected, float[] scale, float[] got, String what) {
        assertEquals(expected.length, got.length, what);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-5 * scale[i] + 1e-7, what + " at " + i);
        }
    }

    private Tensor ref(float[] v, int... dims) {
        return ref.fromFloats(v, Shape.of(dims));
    }

    private static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    private static float[] random(int n, SplittableRandom rnd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
