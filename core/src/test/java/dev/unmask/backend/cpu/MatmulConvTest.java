package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
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

/** Matmul against EJML; convolutions against unfold + EJML and the adjoint identities. */
class MatmulConvTest {
    private final Backend backend = backend();

    /** The backend under test; subclasses run this suite against another backend. */
    protected Backend backend() {
        return new ReferenceBackend();
    }

    private static DMatrixRMaj matrix(float[] data, int offset, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            m.data[i] = data[offset + i];
        }
        return m;
    }

    @Test
    void matmulMatchesEjmlForAwkwardSizesAndTransposes() {
        Random random = new Random(3);
        int[][] sizes = {{1, 1, 1}, {13, 31, 33}, {33, 1, 13}, {1, 33, 31}};
        for (int[] mkn : sizes) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor a = ta ? random(backend, random, k, m) : random(backend, random, m, k);
                    Tensor b = tb ? random(backend, random, n, k) : random(backend, random, k, n);
                    DMatrixRMaj ea = matrix(a.toFloatArray(), 0, a.dim(0), a.dim(1));
                    DMatrixRMaj eb = matrix(b.toFloatArray(), 0, b.dim(0), b.dim(1));
                    if (ta) {
                        ea = CommonOps_DDRM.transpose(ea, null);
                    }
                    if (tb) {
                        eb = CommonOps_DDRM.transpose(eb, null);
                    }
                    DMatrixRMaj expected = new DMatrixRMaj(m, n);
                    CommonOps_DDRM.mult(ea, eb, expected);
                    Tensor c = backend.matmul(a, b, ta, tb);
                    assertEquals(Shape.of(m, n), c.shape());
                    assertClose(expected.data, c.toFloatArray(), ROUNDED_ONCE,
                            "matmul " + Arrays.toString(mkn) + " ta=" + ta + " tb=" + tb);
                }
            }
        }
    }

    @Test
    void matmulBroadcastsBatchDimensions() {
        Random random = new Random(4);
        int m = 13;
        int k = 5;
        int n = 3;
        Tensor a = random(backend, random, 2, 1, m, k);
        Tensor b = random(backend, random, 3, n, k);
        Tensor c = backend.matmul(a, b, false, true);
        assertEquals(Shape.of(2, 3, m, n), c.shape());
        float[] out = c.toFloatArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                DMatrixRMaj expected = new DMatrixRMaj(m, n);
                CommonOps_DDRM.multTransB(matrix(a.toFloatArray(), i * m * k, m, k), matrix(b.toFloatArray(), j * n * k, n, k), expected);
                int offset = (i * 3 + j) * m * n;
                assertClose(expected.data, Arrays.copyOfRange(out, offset, offset + m * n), ROUNDED_ONCE, "batch " + i + "," + j);
            }
        }
    }

    @Test
    void matmulRejectsBadShapesAndDtypes() {
        Tensor a = backend.full(Shape.of(2, 3), DType.F32, 1);
        assertThrowsNaming(IllegalArgumentException.class, "matmul", () -> backend.matmul(a, a, false, false));
        assertThrowsNaming(IllegalArgumentException.class, "matmul", () -> backend.matmul(a, backend.full(Shape.of(3), DType.F32, 1), false, false));
        assertThrowsNaming(IllegalArgumentException.class, "matmul",
                () -> backend.matmul(a, backend.full(Shape.of(3, 2), DType.I32, 1), false, false));
        assertThrowsNaming(IllegalArgumentException.class, "matmul",
                () -> backend.matmul(backend.full(Shape.of(2, 2, 3), DType.F32, 1), backend.full(Shape.of(3, 3, 2), DType.F32, 1), false, false));
    }

    /** Convolution written as unfold (im2col) followed by one EJML product per image, plus bias. */
    private static double[] convByUnfold(Tensor x, Tensor w, float[] bias, Conv2dParams p) {
        int batch = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int o = w.dim(0);
        int kh = w.dim(2);
        int kw = w.dim(3);
        int oh = (h + 2 * p.padH() - p.dilationH() * (kh - 1) - 1) / p.strideH() + 1;
        int ow = (wd + 2 * p.padW() - p.dilationW() * (kw - 1) - 1) / p.strideW() + 1;
        float[] xs = x.toFloatArray();
        DMatrixRMaj weights = matrix(w.toFloatArray(), 0, o, c * kh * kw);
        double[] out = new double[batch * o * oh * ow];
        for (int n = 0; n < batch; n++) {
            DMatrixRMaj columns = new DMatrixRMaj(c * kh * kw, oh * ow);
            for (int row = 0; row < c * kh * kw; row++) {
                int ch = row / (kh * kw);
                int ky = row / kw % kh;
                int kx = row % kw;
                for (int col = 0; col < oh * ow; col++) {
                    int y = col / ow * p.strideH() + ky * p.dilationH() - p.padH();
                    int xx = col % ow * p.strideW() + kx * p.dilationW() - p.padW();
                    boolean inside = y >= 0 && y < h && xx >= 0 && xx < wd;
                    columns.set(row, col, inside ? xs[((n * c + ch) * h + y) * wd + xx] : 0);
                }
            }
            DMatrixRMaj result = new DMatrixRMaj(o, oh * ow);
            CommonOps_DDRM.mult(weights, columns, result);
            for (int i = 0; i < o * oh * ow; i++) {
                out[n * o * oh * ow + i] = result.data[i] + (bias == null ? 0 : bias[i / (oh * ow)]);
            }
        }
        return out;
    }

    /** {input [N, C, H, W], weight [O, C, kh, kw], stride, pad, dilation} cases with awkward sizes. */
    private static final int[][] CONV_CASES = {
            {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1},
            {2, 3, 13, 13, 4, 3, 3, 3, 1, 1, 1},
            {1, 2, 13, 31, 3, 2, 3, 3, 2, 1, 1},
            {2, 2, 13, 11, 2, 2, 3, 2, 3, 2, 2},
            {1, 3, 7, 9, 5, 3, 1, 1, 2, 0, 1},
            {1, 1, 33, 5, 2, 1, 5, 5, 1, 2, 1},
    };

    @Test
    void conv2dMatchesUnfoldTimesEjml() {
        Random random = new Random(5);
        for (int[] c : CONV_CASES) {
            Tensor x = random(backend, random, c[0], c[1], c[2], c[3]);
            Tensor w = random(backend, random, c[4], c[5], c[6], c[7]);
            Tensor bias = random(backend, random, c[4]);
            Conv2dParams p = Conv2dParams.of(c[8], c[9], c[10]);
            assertClose(convByUnfold(x, w, bias.toFloatArray(), p), backend.conv2d(x, w, bias, p).toFloatArray(), ROUNDED_ONCE,
                    "conv2d " + Arrays.toString(c));
            assertClose(convByUnfold(x, w, null, p), backend.conv2d(x, w, null, p).toFloatArray(), ROUNDED_ONCE,
                    "conv2d without bias " + Arrays.toString(c));
        }
    }

    @Test
    void conv2dWithAnisotropicGeometry() {
        Random random = new Random(6);
        Tensor x = random(backend, random, 1, 2, 13, 11);
        Tensor w = random(backend, random, 3, 2, 3, 2);
        Conv2dParams p = new Conv2dParams(2, 1, 1, 0, 1, 3, 0, 0);
        assertClose(convByUnfold(x, w, null, p), backend.conv2d(x, w, null, p).toFloatArray(), ROUNDED_ONCE, "anisotropic conv2d");
    }

    @Test
    void convBackwardOpsAreAdjointsOfTheForward() {
        Random random = new Random(7);
        for (int[] c : CONV_CASES) {
            Tensor x = random(backend, random, c[0], c[1], c[2], c[3]);
            Tensor w = random(backend, random, c[4], c[5], c[6], c[7]);
            Conv2dParams p = Conv2dParams.of(c[8], c[9], c[10]);
            Tensor y = backend.conv2d(x, w, null, p);
            Tensor g = random(backend, random, y.shape().dims());
            Tensor gx = backend.conv2dBackwardInput(g, w, x.shape(), p);
            Tensor gw = backend.conv2dBackwardWeight(x, g, w.shape(), p);
            assertEquals(x.shape(), gx.shape());
            assertEquals(w.shape(), gw.shape());
            double forward = dot(y.toFloatArray(), g.toFloatArray());
            double scale = absDot(y.toFloatArray(), g.toFloatArray()) + absDot(x.toFloatArray(), gx.toFloatArray());
            // <conv(x, w), g> = <x, dconv/dx^T g> = <w, dconv/dw^T g>
            assertAdjoint(forward, dot(x.toFloatArray(), gx.toFloatArray()), scale, "backwardInput " + Arrays.toString(c));
            assertAdjoint(forward, dot(w.toFloatArray(), gw.toFloatArray()), scale, "backwardWeight " + Arrays.toString(c));
        }
    }

    @Test
    void convTransposeIsTheAdjointOfConv() {
        Random random = new Random(8);
        // {input [N, Cin, H, W], Cout, kh, kw, stride, pad, dilation, outputPad}
        int[][] cases = {
                {1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0},
                {2, 3, 5, 7, 2, 3, 3, 2, 1, 1, 1},
                {1, 2, 13, 4, 3, 4, 4, 2, 1, 1, 0},
                {1, 2, 6, 6, 1, 3, 3, 3, 2, 2, 2},
        };
        for (int[] c : cases) {
            Tensor x = random(backend, random, c[0], c[1], c[2], c[3]);
            Tensor w = random(backend, random, c[1], c[4], c[5], c[6]);
            Conv2dParams p = new Conv2dParams(c[7], c[7], c[8], c[8], c[9], c[9], c[10], c[10]);
            Tensor t = backend.convTranspose2d(x, w, null, p);
            int oh = (c[2] - 1) * c[7] - 2 * c[8] + c[9] * (c[5] - 1) + c[10] + 1;
            int ow = (c[3] - 1) * c[7] - 2 * c[8] + c[9] * (c[6] - 1) + c[10] + 1;
            assertEquals(Shape.of(c[0], c[4], oh, ow), t.shape(), "convTranspose2d shape " + Arrays.toString(c));
            Tensor y = random(backend, random, t.shape().dims());
            // the weight [Cin, Cout, kh, kw] read as a convolution [O, C, kh, kw] maps y's shape back to x's
            Tensor convY = backend.conv2d(y, w, null, p);
            assertEquals(x.shape(), convY.shape());
            assertAdjoint(dot(t.toFloatArray(), y.toFloatArray()), dot(x.toFloatArray(), convY.toFloatArray()),
                    absDot(t.toFloatArray(), y.toFloatArray()) + absDot(x.toFloatArray(), convY.toFloatArray()),
                    "convTranspose2d " + Arrays.toString(c));
        }
    }

    @Test
    void convTransposeWithOutputPaddingAndBiasByHand() {
        Tensor x = tensor(backend, new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor w = tensor(backend, new float[] {1, 10, 100, 1000}, 1, 1, 2, 2);
        Tensor bias = tensor(backend, new float[] {0.5f}, 1);
        Tensor y = backend.convTranspose2d(x, w, bias, new Conv2dParams(2, 2, 0, 0, 1, 1, 1, 1));
        assertEquals(Shape.of(1, 1, 5, 5), y.shape());
        // each input pixel stamps v * w at (2 iy, 2 ix); the extra row and column hold the bias only
        assertArrayEquals(new float[] {
                1.5f, 10.5f, 2.5f, 20.5f, 0.5f,
                100.5f, 1000.5f, 200.5f, 2000.5f, 0.5f,
                3.5f, 30.5f, 4.5f, 40.5f, 0.5f,
                300.5f, 3000.5f, 400.5f, 4000.5f, 0.5f,
                0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, y.toFloatArray());
    }

    @Test
    void convRejectsMismatchedShapes() {
        Tensor x = backend.full(Shape.of(1, 2, 5, 5), DType.F32, 1);
        Tensor w = backend.full(Shape.of(3, 2, 3, 3), DType.F32, 1);
        Conv2dParams p = Conv2dParams.of(1, 0);
        assertThrowsNaming(IllegalArgumentException.class, "conv2d", () -> backend.conv2d(x, backend.full(Shape.of(3, 1, 3, 3), DType.F32, 1), null, p));
        assertThrowsNaming(IllegalArgumentException.class, "conv2d", () -> backend.conv2d(x, w, backend.full(Shape.of(2), DType.F32, 1), p));
        assertThrowsNaming(IllegalArgumentException.class, "conv2d", () -> backend.conv2d(x, backend.full(Shape.of(3, 2, 7, 7), DType.F32, 1), null, p));
        Tensor wrongGrad = backend.full(Shape.of(1, 3, 4, 4), DType.F32, 1);
        assertThrowsNaming(IllegalArgumentException.class, "conv2dBackwardInput",
                () -> backend.conv2dBackwardInput(wrongGrad, w, x.shape(), p));
        assertThrowsNaming(IllegalArgumentException.class, "conv2dBackwardWeight",
                () -> backend.conv2dBackwardWeight(x, wrongGrad, w.shape(), p));
        assertThrowsNaming(IllegalArgumentException.class, "conv2dBackwardInput",
                () -> backend.conv2dBackwardInput(wrongGrad, w, Shape.of(1, 2, 5), p));
        assertThrowsNaming(IllegalArgumentException.class, "conv2d",
                () -> backend.conv2d(x, w, backend.full(Shape.of(3), DType.I32, 0), p));
        assertThrowsNaming(IllegalArgumentException.class, "convTranspose2d",
                () -> backend.convTranspose2d(x, backend.full(Shape.of(3, 2, 3, 3), DType.F32, 1), null, p));
    }
}
