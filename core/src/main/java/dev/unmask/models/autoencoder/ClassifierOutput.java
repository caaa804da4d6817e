package dev.unmask.models.autoencoder;

import dev.unmask.autograd.Variable;

/**
 * What {@link AutoencoderClassifier#forward} gives, in the graph.
 *
 * @param logits       [B, 2] before the softmax; class 0 real, class 1 fake
 * @param crossEntropy mean over the batch of -log softmax(logits)[label], a scalar
 * @param penalty      the head's weight penalty l1 * sum|W| + l2 * sum W^2, a scalar
 * @param loss         crossEntropy + penalty
 */
public record ClassifierOutput(Variable logits, Variable crossEntropy, Variable penalty, Variable loss) {
}
