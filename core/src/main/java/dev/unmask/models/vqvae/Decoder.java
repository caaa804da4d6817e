package dev.unmask.models.vqvae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.ConvTranspose2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Quantised latents [B, embedDim, h, w] to an image [B, in, h * stride, w * stride], as child
 * {@code blocks}: Conv(embedDim, ch, 3, p1), resBlocks x ResBlock, ReLU, [stride 8: ConvT(ch, ch, 4, s2,
 * p1), ReLU], ConvT(ch, ch/2, 4, s2, p1), ReLU, ConvT(ch/2, in, 4, s2, p1). No output activation.
 */
final class Decoder extends Layer {
    private final Sequential blocks;

    Decoder(VqVaeConfig config, ParameterInit init) {
        int ch = config.channel();
        List<Layer> layers = new ArrayList<>();
        layers.add(new Conv2d(config.embedDim(), ch, 3, 1, 1, init));
        for (int i = 0; i < config.resBlocks(); i++) {
            layers.add(new ResBlock(ch, config.resChannel(), init));
        }
        layers.add(new ReLU());
        if (config.stride() == 8) {
            layers.add(new ConvTranspose2d(ch, ch, 4, 2, 1, init));
            layers.add(new ReLU());
        }
        layers.add(new ConvTranspose2d(ch, ch / 2, 4, 2, 1, init));
        layers.add(new ReLU());
        layers.add(new ConvTranspose2d(ch / 2, config.inChannel(), 4, 2, 1, init));
        blocks = registerModule("blocks", new Sequential(layers.toArray(Layer[]::new)));
    }

    @Override
    public Variable forward(Variable x) {
        return blocks.forward(x);
    }
}
