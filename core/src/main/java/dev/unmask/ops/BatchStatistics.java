package dev.unmask.ops;

import dev.unmask.tensor.Tensor;

/**
 * Per-channel statistics of an NCHW batch over its N, H and W axes, as batch normalisation uses them.
 *
 * @param mean     F32 [C]
 * @param variance the biased variance (divided by N * H * W), F32 [C]
 */
public record BatchStatistics(Tensor mean, Tensor variance) {
}
