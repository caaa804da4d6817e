package dev.unmask.ops;

import dev.unmask.tensor.Tensor;

/** Gradients of {@link Op#batchNorm2d} with respect to its input [N, C, H, W], weight [C] and bias [C]. */
public record BatchNormGradients(Tensor input, Tensor weight, Tensor bias) {
}
