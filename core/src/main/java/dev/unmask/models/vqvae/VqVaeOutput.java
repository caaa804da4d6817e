package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Tensor;

/**
 * What {@link VqVae#forward} gives; the losses are scalars in the graph.
 *
 * @param reconstruction     decoded images [B, in, H, W]
 * @param codes              code indices, I32 [B, H/s, W/s]
 * @param reconstructionLoss mean squared or absolute error between reconstruction and input
 * @param latentLoss         EMA mode: the commitment term (rosinality's latent loss); LOSS mode: codebook
 *                           term + beta * commitment term
 * @param loss               the training objective (see {@link VqVae#forward})
 * @param codeCounts         vectors assigned to each code in this batch, F32 [K]
 */
public record VqVaeOutput(Variable reconstruction, Tensor codes, Variable reconstructionLoss, Variable latentLoss,
                          Variable loss, Tensor codeCounts) {

    /**
     * Perplexity of the batch's code distribution, {@code exp(-sum_k p_k log p_k)} with p_k the share of
     * vectors assigned to code k: 1 when one code takes everything, K when all are used equally.
     */
    public double perplexity() {
        float[] counts = codeCounts.toFloatArray();
        double total = 0;
        for (float c : counts) {
            total += c;
        }
        double entropy = 0;
        for (float c : counts) {
            if (c > 0) {
                double p = c / total;
                entropy -= p * Math.log(p);
            }
        }
        return Math.exp(entropy);
    }

    /** How many codes were assigned at least one vector in this batch. */
    public int codesUsed() {
        int used = 0;
        for (float c : codeCounts.toFloatArray()) {
            if (c > 0) {
                used++;
            }
        }
        return used;
    }
}
