package dev.unmask.ops;

import dev.unmask.tensor.Tensor;

/**
 * Per-code statistics of one batch of assignments, the inputs of an EMA codebook update.
 *
 * @param counts number of vectors assigned to each code, F32 [K]
 * @param sums   sum of the vectors assigned to each code, F32 [K, D]
 */
public record VqStatistics(Tensor counts, Tensor sums) {
}
