package dev.unmask.models.autoencoder;

import dev.unmask.autograd.Variable;

/**
 * What {@link ConvAutoencoder#forward} gives, in the graph.
 *
 * @param reconstruction the decoded images, shaped as the input
 * @param loss           mean squared error between reconstruction and input over every element, a scalar
 */
public record AutoencoderOutput(Variable reconstruction, Variable loss) {
}
