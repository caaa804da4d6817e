package dev.unmask.anomaly;

import dev.unmask.autograd.NoGrad;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

/**
 * Per-latent negative log-likelihood under a {@link CodePrior}, from one prior pass with teacher forcing:
 * {@code nll[b, i] = -log softmax(logits[b, :, i])[codes[b, i]]}, computed in double on the host.
 */
public final class LatentNll {
    private LatentNll() {
    }

    /**
     * The NLL of every latent of every grid.
     *
     * @param codes I32 [B, h, w], values in [0, K)
     * @return B * h * w values, row-major over (b, y, x)
     */
    public static double[] of(CodePrior prior, Tensor codes) {
        int[] dims = requireCodes(codes);
        int[] values = codes.toIntArray();
        requireCodesInRange(values, prior.codebookSize());
        float[] logits = logits(prior, codes);
        int classes = prior.codebookSize();
        int positions = dims[1] * dims[2];
        double[] nll = new double[values.length];
        double[] max = new double[positions];
        double[] sum = new double[positions];
        for (int b = 0; b < dims[0]; b++) {
            // CategoricalDraw.nll's arithmetic, in its order for each position, with the positions in the inner
            // loops: the logits of one class are contiguous, and a sample score's pass reads 2M of them
            int grid = b * classes * positions;
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int k = 0; k < classes; k++) {
                for (int i = 0, at = grid + k * positions; i < positions; i++) {
                    max[i] = Math.max(max[i], logits[at + i]);
                }
            }
            Arrays.fill(sum, 0);
            for (int k = 0; k < classes; k++) {
                for (int i = 0, at = grid + k * positions; i < positions; i++) {
                    sum[i] += Math.exp(logits[at + i] - max[i]);
                }
            }
            for (int i = 0; i < positions; i++) {
                int latent = b * positions + i;
                nll[latent] = Math.log(sum[i]) + max[i] - logits[grid + values[latent] * positions + i];
            }
        }
        return nll;
    }

    /** The dimensions [B, h, w] of a code tensor, after checking that it is I32 of rank 3. */
    static int[] requireCodes(Tensor codes) {
        if (codes == null) {
            throw new IllegalArgumentException("codes is null");
        }
        if (codes.dtype() != DType.I32 || codes.rank() != 3) {
            throw new IllegalArgumentException("codes must be I32 [B, h, w], got " + codes.dtype() + " " + codes.shape());
        }
        return codes.shape().dims();
    }

    static void requireCodesInRange(int[] codes, int classes) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < 0 || codes[i] >= classes) {
                throw new IllegalArgumentException("code " + codes[i] + " at flat index " + i + " is outside [0, " + classes + ")");
            }
        }
    }

    /** The prior's logits of {@code codes} [B, h, w] as a host array [B, K, h, w], shape checked. */
    static float[] logits(CodePrior prior, Tensor codes) {
        Tensor logits;
        try (NoGrad scope = NoGrad.enter()) {
            logits = prior.logits(codes);
        }
        Shape expected = Shape.of(codes.dim(0), prior.codebookSize(), codes.dim(1), codes.dim(2));
        if (logits.dtype() != DType.F32 || !logits.shape().equals(expected)) {
            throw new IllegalStateException("the prior returned " + logits.dtype() + " " + logits.shape()
                    + " for codes " + codes.shape() + "; expected F32 " + expected);
        }
        return logits.toFloatArray();
    }
}
