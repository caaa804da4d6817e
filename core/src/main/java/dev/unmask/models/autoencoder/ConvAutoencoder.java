package dev.unmask.models.autoencoder;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.ConvTranspose2d;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;

/**
 * The convolutional autoencoder of the autoencoder-feature classifier study, trained on images by mean
 * squared error; its encoder is then the feature extractor of an {@link AutoencoderClassifier}.
 * <pre>
 * encoder: Conv2d(in, f1, 3, stride 2, padding 1), ReLU, Conv2d(f1, f2, ...), ReLU, Conv2d(f2, f3, ...), ReLU
 * decoder: ConvTranspose2d(f3, f3, 3, stride 2, padding 1, output padding 1), ReLU, ConvTranspose2d(f3, f2, ...), ReLU,
 *          ConvTranspose2d(f2, f1, ...), ReLU, Conv2d(f1, in, 3, padding 1), ReLU
 * </pre>
 * (f1, f2, f3) = (168, 64, 32) in the study, whose Keras layers pad 'same': at stride 2 Keras pads only the
 * bottom and right, PyTorch (and this model) one pixel on every side, so sizes agree and the grid is shifted
 * by one pixel. Parameter names are those of a PyTorch module with the two nn.Sequential children
 * {@code encoder} (convolutions at 0, 2, 4) and {@code decoder} (0, 2, 4 transposed, 6 the last convolution):
 * {@code encoder.0.weight}, {@code decoder.6.bias}, ...
 */
public final class ConvAutoencoder extends Module {
    private static final Conv2dParams HALVE = Conv2dParams.of(2, 1);
    private static final Conv2dParams DOUBLE = new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1);

    private final AutoencoderConfig config;
    private final Sequential encoder;
    private final Sequential decoder;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from its stream. */
    public ConvAutoencoder(AutoencoderConfig config, ParameterInit init) {
        this.config = config;
        int in = config.inChannels();
        int f1 = config.filters1();
        int f2 = config.filters2();
        int f3 = config.filters3();
        encoder = registerModule("encoder", new Sequential(
                new Conv2d(in, f1, 3, 3, HALVE, true, init), new ReLU(),
                new Conv2d(f1, f2, 3, 3, HALVE, true, init), new ReLU(),
                new Conv2d(f2, f3, 3, 3, HALVE, true, init), new ReLU()));
        decoder = registerModule("decoder", new Sequential(
                new ConvTranspose2d(f3, f3, 3, 3, DOUBLE, true, init), new ReLU(),
                new ConvTranspose2d(f3, f2, 3, 3, DOUBLE, true, init), new ReLU(),
                new ConvTranspose2d(f2, f1, 3, 3, DOUBLE, true, init), new ReLU(),
                new Conv2d(f1, in, 3, 1, 1, init), new ReLU()));
    }

    public AutoencoderConfig config() {
        return config;
    }

    /**
     * Reconstruction and loss of images [B, in, H, W] in the graph.
     *
     * @return the reconstruction [B, in, H, W] and the mean squared error over every element
     */
    public AutoencoderOutput forward(Tensor images) {
        requireImages(images);
        Variable x = Variable.constant(images);
        Variable reconstruction = decoder.forward(encoder.forward(x));
        return new AutoencoderOutput(reconstruction, reconstruction.sub(x).square().mean());
    }

    /** The codes [B, f3, H / 8, W / 8] of images [B, in, H, W], without a graph. */
    public Tensor encode(Tensor images) {
        requireImages(images);
        try (NoGrad scope = NoGrad.enter()) {
            return encoder.forward(Variable.constant(images)).value();
        }
    }

    /** The encoder, shared with the classifier built on it. */
    Sequential encoder() {
        return encoder;
    }

    void requireImages(Tensor images) {
        if (images.rank() != 4 || images.dtype() != DType.F32 || images.dim(0) < 1 || images.dim(1) != config.inChannels()
                || images.dim(2) != config.height() || images.dim(3) != config.width()) {
            throw new IllegalArgumentException("ConvAutoencoder: expected F32 images [B, " + config.inChannels() + ", "
                    + config.height() + ", " + config.width() + "], got " + images);
        }
    }
}
