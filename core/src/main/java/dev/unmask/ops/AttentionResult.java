package dev.unmask.ops;

import dev.unmask.tensor.Tensor;

/**
 * Output of the fused causal attention forward pass.
 *
 * @param out        attention output, [B, H, L, Dv]
 * @param logSumExp  per query row, log of the softmax denominator of the scaled scores, [B, H, L];
 *                   what the backward pass needs to recompute probabilities without an L x L matrix
 *                   (0 for the first row, which sees no key)
 */
public record AttentionResult(Tensor out, Tensor logSumExp) {
}
