package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Tensor;

/**
 * What {@link Quantizer#forward} gives.
 *
 * @param quantized    the chosen codes' vectors, shaped like the input, with the straight-through gradient
 *                     {@code z + (q - z).detach()}
 * @param codes        index of the chosen code per vector, I32, the input's shape without its last axis
 * @param commitment   {@code mean((sg[q] - z)^2)}, rosinality's {@code diff}
 * @param codebookLoss {@code mean((q - sg[z])^2)} in LOSS mode; null in EMA mode
 * @param codeCounts   vectors assigned to each code in this batch, F32 [K]
 */
public record QuantizerOutput(Variable quantized, Tensor codes, Variable commitment, Variable codebookLoss,
                              Tensor codeCounts) {
}
