package dev.unmask.models.vae;

import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;

/**
 * The decoder of a {@link SymmetricResNetVae}, in the layout and names of julianstastny's ResNet18Dec
 * (VAE-ResNet18-PyTorch): {@code linear} (latent to 8w), the vector repeated over the last feature map's grid
 * by nearest upsampling, {@code layer4} .. {@code layer1} of two {@link DecoderBlock}s each (the second of
 * layers 4, 3 and 2 upsamples and halves the width), then the stem's mirror {@code conv1}: for the
 * {@link ResNetStem#IMAGENET} stem the max pool's mirror (nearest x2) and a {@link ResizeConv2d} (x2, 3 x 3 as
 * julianstastny's, not the stem's 7 x 7), for the {@link ResNetStem#SMALL} stem a 3 x 3 convolution; both with bias,
 * to the image's channels.
 */
final class SymmetricResNetDecoder extends Module {
    private final ResNetVaeConfig config;
    private final Linear linear;
    private final Sequential[] layers = new Sequential[4];
    private final Layer conv1;

    SymmetricResNetDecoder(ResNetVaeConfig config, ParameterInit init) {
        this.config = config;
        int w = config.baseWidth();
        linear = registerModule("linear", new Linear(config.latentDim(), 8 * w, true, init));
        for (int i = 3; i >= 0; i--) {
            int in = w << i;
            layers[i] = registerModule("layer" + (i + 1),
                    new Sequential(new DecoderBlock(in, 1, init), new DecoderBlock(in, i == 0 ? 1 : 2, init)));
        }
        conv1 = registerModule("conv1", config.stem() == ResNetStem.IMAGENET
                ? new ResizeConv2d(w, config.inChannels(), 3, 2, init)
                : new Conv2d(w, config.inChannels(), 3, 1, 1, init));
    }

    /** Latent vectors [B, latent] to the decoder's output before the output activation, [B, C, H, W]. */
    Variable forward(Variable z) {
        int d = config.stem().downsampling();
        int gridH = config.height() / d;
        int gridW = config.width() / d;
        Variable x = linear.forward(z).reshape(z.dim(0), 8 * config.baseWidth(), 1, 1).upsampleNearest2d(gridH, gridW);
        for (int i = 3; i >= 0; i--) {
            x = layers[i].forward(x);
        }
        if (config.stem() == ResNetStem.IMAGENET) {
            x = x.upsampleNearest2d(2, 2);
        }
        return conv1.forward(x);
    }
}
