package dev.unmask.ops;

import dev.unmask.tensor.Tensor;

/** Gradients of the fused causal attention with respect to its three inputs (same shapes as them). */
public record AttentionGradients(Tensor query, Tensor key, Tensor value) {
}
