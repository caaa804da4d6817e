package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.ops.BinaryOp;
import dev.unmask.ops.ReduceOp;
import dev.unmask.ops.UnaryOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * The pixel score of latent restoration, from an image Y and its n decoded restorations X_j:
 * <pre>
 *   r_j = mean over channels of |Y - X_j|               [H, W]
 *   w_j = softmax_j(k / mean(r_j))                      weights of the copies
 *   map = minAvgPool(sum_j w_j r_j, minKernel, avgKernel)
 * </pre>
 * A copy whose mean residual is 0 has {@code k / 0 = +Infinity}; the weights are then the limit of the
 * softmax: shared equally by the copies with a zero mean residual, 0 for the others (so the map is 0).
 * Residual maps run on the images' backend; the n weights per image are computed in double on the host.
 */
public final class PixelScoreMap {
    private PixelScoreMap() {
    }

    /**
     * @param images   F32 [B, C, H, W], the inputs Y
     * @param restored F32 [B * n, C, H, W], the decoded copies, image-major (copy j of image b at b * n + j)
     * @param copies   n
     * @param settings k and the pool kernels
     * @return F32 [B, 1, H, W] on the images' backend
     */
    public static Tensor of(Tensor images, Tensor restored, int copies, RestorationSettings settings) {
        if (images.dtype() != DType.F32 || images.rank() != 4) {
            throw new IllegalArgumentException("images must be F32 [B, C, H, W], got " + images.dtype() + " " + images.shape());
        }
        int[] dims = images.shape().dims();
        Shape expected = Shape.of(dims[0] * copies, dims[1], dims[2], dims[3]);
        if (restored.dtype() != DType.F32 || !restored.shape().equals(expected)) {
            throw new IllegalArgumentException("restored images must be F32 " + expected + " for " + copies
                    + " copies of images " + images.shape() + ", got " + restored.dtype() + " " + restored.shape());
        }
        Backend backend = Backend.of(images);
        Tensor y = images.reshape(dims[0], 1, dims[1], dims[2], dims[3]);
        Tensor x = restored.to(backend).reshape(dims[0], copies, dims[1], dims[2], dims[3]);
        Tensor residuals = backend.reduce(ReduceOp.MEAN, backend.unary(UnaryOp.ABS, backend.binary(BinaryOp.SUB, y, x)),
                new int[] {2}, false);
        float[] meanResiduals = backend.reduce(ReduceOp.MEAN, residuals, new int[] {2, 3}, false).toFloatArray();
        float[] weights = new float[meanResiduals.length];
        for (int b = 0; b < dims[0]; b++) {
            copyWeights(meanResiduals, b * copies, copies, settings.weightSharpness(), weights);
        }
        Tensor weighted = backend.binary(BinaryOp.MUL, residuals, backend.fromFloats(weights, Shape.of(dims[0], copies, 1, 1)));
        Tensor map = backend.reduce(ReduceOp.SUM, weighted, new int[] {1}, true);
        return backend.minAvgPool(map, settings.minKernel(), settings.avgKernel());
    }

    /**
     * {@code w_j = softmax_j(k / m_j)} over {@code m[from, from + n)} into {@code out[from, from + n)},
     * in double; copies with {@code m_j = 0} share the weight equally when there are any.
     */
    static void copyWeights(float[] meanResiduals, int from, int n, double sharpness, float[] out) {
        double[] logits = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            logits[j] = sharpness / meanResiduals[from + j];
            max = Math.max(max, logits[j]);
        }
        double[] e = new double[n];
        double sum = 0;
        for (int j = 0; j < n; j++) {
            e[j] = max == Double.POSITIVE_INFINITY ? (logits[j] == max ? 1 : 0) : Math.exp(logits[j] - max);
            sum += e[j];
        }
        for (int j = 0; j < n; j++) {
            out[from + j] = (float) (e[j] / sum);
        }
    }
}
