package dev.unmask.backend.cpu;

import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The fast convolution and matmul against direct double-precision loops written here, and the two
 * convolution gradients against the adjoint identities
 * {@code <conv(x, w), g> = <x, dX(g, w)> = <w, dW(x, g)>}.
 */
class CpuConvolutionTest {
    /** Float sums of a few hundred products of values in [-1, 1]: relative to the sum of |terms|. */
    private static final double RELATIVE_TOLERANCE = 1e-4;

    private final CpuBackend cpu = new CpuBackend();

    private record Case(int n, int c, int h, int w, int o, int kh, int kw, Conv2dParams p) {
    }

    private static final Case[] CASES = {
            new Case(1, 1, 1, 1, 1, 1, 1, Conv2dParams.of(1, 0)),
            new Case(2, 3, 13, 11, 5, 3, 3, Conv2dParams.of(1, 1)),
            new Case(3, 4, 9, 10, 7, 4, 4, Conv2dParams.of(2, 1)),
            new Case(2, 5, 12, 13, 6, 1, 1, Conv2dParams.of(1, 0)),
            new Case(1, 2, 15, 14, 3, 3, 2, new Conv2dParams(2, 3, 2, 0, 2, 1, 0, 0)),
            new Case(3, 33, 8, 8, 13, 3, 3, Conv2dParams.of(1, 2, 2)),
            // one image, many output channels: the channels are split between threads
            new Case(1, 5, 7, 9, 33, 3, 3, Conv2dParams.of(1, 1)),
            // small planes: several images share one product, the last group partly filled
            new Case(7, 3, 6, 5, 4, 3, 3, Conv2dParams.of(1, 1)),
            new Case(5, 6, 4, 4, 9, 1, 1, Conv2dParams.of(1, 0)),
    };

    @Test
    void forwardMatchesDirectLoops() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Case k : CASES) {
            float[] x = random(k.n * k.c * k.h * k.w, rnd);
            float[] w = random(k.o * k.c * k.kh * k.kw, rnd);
            float[] b = random(k.o, rnd);
            Tensor y = cpu.conv2d(t(x, k.n, k.c, k.h, k.w), t(w, k.o, k.c, k.kh, k.kw), t(b, k.o), k.p);
            int oh = y.dim(2);
            int ow = y.dim(3);
            float[] got = y.toFloatArray();
            Conv2dParams p = k.p;
            for (int n = 0; n < k.n; n++) {
                for (int o = 0; o < k.o; o++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double sum = b[o];
                            double scale = Math.abs(b[o]);
                            for (int c = 0; c < k.c; c++) {
                                for (int ky = 0; ky < k.kh; ky++) {
                                    for (int kx = 0; kx < k.kw; kx++) {
                                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                        int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                        if (iy >= 0 && iy < k.h && ix >= 0 && ix < k.w) {
                                            double term = (double) x[((n * k.c + c) * k.h + iy) * k.w + ix]
                                                    * w[((o * k.c + c) * k.kh + ky) * k.kw + kx];
                                            sum += term;
                                            scale += Math.abs(term);
                                        }
                                    }
                                }
                            }
                            float g = got[((n * k.o + o) * oh + oy) * ow + ox];
                            assertEquals(sum, g, RELATIVE_TOLERANCE * scale + 1e-7, k + " at " + n + "," + o + "," + oy + "," + ox);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientsAreAdjointsOfTheForward() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (Case k : CASES) {
            Tensor x = t(random(k.n * k.c * k.h * k.w, rnd), k.n, k.c, k.h, k.w);
            Tensor w = t(random(k.o * k.c * k.kh * k.kw, rnd), k.o, k.c, k.kh, k.kw);
            Tensor y = cpu.conv2d(x, w, null, k.p);
            Tensor g = cpu.fromFloats(random(y.numel(), rnd), y.shape());
            double lhs = dot(y, g);
            double viaInput = dot(x, cpu.conv2dBackwardInput(g, w, x.shape(), k.p));
            double viaWeight = dot(w, cpu.conv2dBackwardWeight(x, g, w.shape(), k.p));
            double tol = RELATIVE_TOLERANCE * (Math.abs(lhs) + y.numel());
            assertEquals(lhs, viaInput, tol, "input gradient of " + k);
            assertEquals(lhs, viaWeight, tol, "weight gradient of " + k);
        }
    }

    /**
     * Taps whose weights are all zero (a causal mask: the centre and right of the last kernel row; a whole
     * zero kernel) are skipped in the forward and the input gradient; the results must still be those of the
     * reference backend, which multiplies every tap, and the weight gradient must still cover the zero taps.
     */
    @Test
    void zeroTapsAreSkippedWithoutChangingTheResults() {
        SplittableRandom rnd = new SplittableRandom(11);
        ReferenceBackend ref = new ReferenceBackend();
        Conv2dParams p = Conv2dParams.of(1, 0);
        int n = 2;
        int c = 3;
        int o = 5;
        int k = 3;
        float[] x = random(n * c * 7 * 7, rnd);
        float[] g = random(n * o * 5 * 5, rnd);
        float[] masked = random(o * c * k * k, rnd);
        for (int i = 0; i < masked.length; i++) {
            int tap = i % (k * k);
            if (tap >= (k - 1) * k + k / 2) {
                masked[i] = 0f;
            }
        }
        // taps live in one output channel only, the first for tap 0 and the last for tap 8: the scan for live
        // taps is split over output channels, and each part sees one of them
        float[] scattered = new float[o * c * k * k];
        scattered[0] = 0.5f;
        scattered[((o - 1) * c + c - 1) * k * k + 8] = -0.75f;
        for (float[] w : new float[][] {masked, new float[o * c * k * k], scattered}) {
            Tensor[] onCpu = {t(x, n, c, 7, 7), t(w, o, c, k, k), t(g, n, o, 5, 5)};
            Tensor[] onRef = {ref.fromFloats(x, onCpu[0].shape()), ref.fromFloats(w, onCpu[1].shape()),
                ref.fromFloats(g, onCpu[2].shape())};
            assertArrayEquals(ref.conv2d(onRef[0], onRef[1], null, p).toFloatArray(),
                    cpu.conv2d(onCpu[0], onCpu[1], null, p).toFloatArray(), (float) RELATIVE_TOLERANCE * c * k * k);
            assertArrayEquals(ref.conv2dBackwardInput(onRef[2], onRef[1], onRef[0].shape(), p).toFloatArray(),
                    cpu.conv2dBackwardInput(onCpu[2], onCpu[1], onCpu[0].shape(), p).toFloatArray(),
                    (float) RELATIVE_TOLERANCE * o * k * k);
            float[] gradW = cpu.conv2dBackwardWeight(onCpu[0], onCpu[2], onCpu[1].shape(), p).toFloatArray();
            assertArrayEquals(ref.conv2dBackwardWeight(onRef[0], onRef[2], onRef[1].shape(), p).toFloatArray(), gradW,
                    (float) RELATIVE_TOLERANCE * n * 25);
            assertNotEquals(0f, gradW[gradW.length - 2], "the gradient of a zero tap is not zero");
        }
    }

    @Test
    void transposedConvolutionIsTheInputGradientPlusBias() {
        SplittableRandom rnd = new SplittableRandom(9);
        Conv2dParams p = Conv2dParams.of(2, 1);
        Tensor x = t(random(2 * 4 * 5 * 6, rnd), 2, 4, 5, 6);
        Tensor w = t(random(4 * 3 * 4 * 4, rnd), 4, 3, 4, 4);
        Tensor bias = t(new float[] {0.5f, -1f, 2f}, 3);
        Tensor y = cpu.convTranspose2d(x, w, bias, p);
        assertEquals(Shape.of(2, 3, 10, 12), y.shape());
        float[] plain = cpu.conv2dBackwardInput(x, w, y.shape(), p).toFloatArray();
        float[] got = y.toFloatArray();
        for (int i = 0; i < got.length; i++) {
            plain[i] += bias.toFloatArray()[(i / 120) % 3];
        }
        assertArrayEquals(plain, got, 0f);
    }

    @Test
    void batchedMatmulWithBroadcastAndTransposes() {
        SplittableRandom rnd = new SplittableRandom(13);
        int m = 33;
        int depth = 31;
        int n = 13;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            float[] a = random(3 * m * depth, rnd);
            float[] b = random(2 * depth * n, rnd);
            Tensor at = ta ? t(a, 3, 1, depth, m) : t(a, 3, 1, m, depth);
            Tensor bt = tb ? t(b, 2, n, depth) : t(b, 2, depth, n);
            float[] got = cpu.matmul(at, bt, ta, tb).toFloatArray();
            for (int i0 = 0; i0 < 3; i0++) {
                for (int i1 = 0; i1 < 2; i1++) {
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double sum = 0;
                            for (int p = 0; p < depth; p++) {
                                double av = ta ? a[(i0 * depth + p) * m + i] : a[(i0 * m + i) * depth + p];
                                double bv = tb ? b[(i1 * n + j) * depth + p] : b[(i1 * depth + p) * n + j];
                                sum += av * bv;
                            }
                            assertEquals(sum, got[((i0 * 2 + i1) * m + i) * n + j], RELATIVE_TOLERANCE * depth);
                        }
                    }
                }
            }
        }
    }

    private Tensor t(float[] data, int... dims) {
        return cpu.fromFloats(data, Shape.of(dims));
    }

    private static double dot(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    static float[] random(int n, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
