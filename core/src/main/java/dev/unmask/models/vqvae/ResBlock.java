package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;

/**
 * {@code x + Conv1x1(ReLU(Conv3x3(ReLU(x))))}, channel -> resChannel -> channel. The body is child
 * {@code conv} with the ReLUs at positions 0 and 2, so the weights are {@code conv.1.*} and {@code conv.3.*}.
 */
final class ResBlock extends Layer {
    private final Sequential conv;

    ResBlock(int channel, int resChannel, ParameterInit init) {
        conv = registerModule("conv", new Sequential(
                new ReLU(),
                new Conv2d(channel, resChannel, 3, 1, 1, init),
                new ReLU(),
                new Conv2d(resChannel, channel, 1, 1, 0, init)));
    }

    @Override
    public Variable forward(Variable x) {
        return x.add(conv.forward(x));
    }
}
