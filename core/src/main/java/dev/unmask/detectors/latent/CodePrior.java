package dev.unmask.detectors.latent;

import dev.unmask.tensor.Tensor;

/**
 * An autoregressive prior over grids of discrete codes (PixelSNAIL in the library), seen by the scorers.
 *
 * <p>Contract: {@link #logits} of a grid is a pure function of that grid (no dropout, no state), the same
 * for a grid whatever else is in the batch, and causal in raster order: the logits at position
 * {@code i = y * w + x} depend only on the codes at positions {@code < i}. The restoration schedules rely
 * on all three to give identical results.
 */
public interface CodePrior {
    /** Number of codes K. */
    int codebookSize();

    /**
     * Unnormalised log-probabilities of every code at every position (teacher forcing).
     *
     * @param codes I32 [B, h, w], values in [0, K)
     * @return F32 [B, K, h, w] on the same backend as {@code codes}
     */
    Tensor logits(Tensor codes);
}
