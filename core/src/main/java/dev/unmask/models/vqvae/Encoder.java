package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Image [B, in, H, W] to features [B, channel, H/stride, W/stride], as child {@code blocks}:
 * Conv(in, ch/2, 4, s2, p1), ReLU, Conv(ch/2, ch, 4, s2, p1), ReLU, [stride 8: Conv(ch, ch, 4, s2, p1),
 * ReLU], Conv(ch, ch, 3, p1), resBlocks x ResBlock, ReLU.
 */
final class Encoder extends Layer {
    private final Sequential blocks;

    Encoder(VqVaeConfig config, ParameterInit init) {
        int ch = config.channel();
        List<Layer> layers = new ArrayList<>(List.of(
                new Conv2d(config.inChannel(), ch / 2, 4, 2, 1, init), new ReLU(),
                new Conv2d(ch / 2, ch, 4, 2, 1, init), new ReLU()));
        if (config.stride() == 8) {
            layers.add(new Conv2d(ch, ch, 4, 2, 1, init));
            layers.add(new ReLU());
        }
        layers.add(new Conv2d(ch, ch, 3, 1, 1, init));
        for (int i = 0; i < config.resBlocks(); i++) {
            layers.add(new ResBlock(ch, config.resChannel(), init));
        }
        layers.add(new ReLU());
        blocks = registerModule("blocks", new Sequential(layers.toArray(Layer[]::new)));
    }

    @Override
    public Variable forward(Variable x) {
        return blocks.forward(x);
    }
}
