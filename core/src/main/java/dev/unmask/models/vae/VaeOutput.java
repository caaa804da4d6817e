package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;

/**
 * What a training forward of a {@link ReconstructionVae} gives, all in the graph. Per-image terms are
 * [B]; the loss is their sum averaged over the batch.
 *
 * @param reconstruction      x' = decode(z), z = mean + exp(logVariance / 2) * epsilon, shaped as the input
 * @param mean                mu(x), the encoder's mean, [B, latent...]
 * @param logVariance         log sigma^2(x), same shape as {@code mean}
 * @param klDivergence        KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum(1 + log sigma^2 - mu^2 - sigma^2) per image
 * @param reconstructionError the residual sum of squares ||x - x'||^2 per image
 * @param latentError         ||mu(x) - mu2(x')||^2 per image for models with a second encoder (OC-FakeDect-2),
 *                            zeros for the others
 * @param loss                mean over the batch of klDivergence + reconstructionError + latentError, a scalar
 */
public record VaeOutput(Variable reconstruction, Variable mean, Variable logVariance, Variable klDivergence,
                        Variable reconstructionError, Variable latentError, Variable loss) {
}
