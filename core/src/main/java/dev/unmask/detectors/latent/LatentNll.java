package dev.unmask.detectors.latent;

import dev.unmask.autograd.NoGrad;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

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
        for (int b = 0; b < dims[0]; b++) {
            CategoricalDraw.nllOfGrid(logits, b * classes * positions, classes, positions, values, b * positions,
                    nll, b * positions);
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
