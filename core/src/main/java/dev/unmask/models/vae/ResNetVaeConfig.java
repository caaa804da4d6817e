package dev.unmask.models.vae;

/**
 * Shape of a {@link SymmetricResNetVae}.
 *
 * @param inChannels image channels
 * @param height     image height, a multiple of the stem's downsampling (32 or 8)
 * @param width      image width, likewise
 * @param baseWidth  width of the first stage; the stages have 1, 2, 4 and 8 times it (ResNet-18: 64)
 * @param latentDim  size of the latent vector
 * @param stem       the encoder's first layers, mirrored by the decoder's last ones
 * @param output     sigmoid for inputs in [0, 1], linear for ImageNet-normalised inputs
 */
public record ResNetVaeConfig(int inChannels, int height, int width, int baseWidth, int latentDim, ResNetStem stem,
                              OutputActivation output) {

    /** Latent size of the presets, as the thesis' ResNet-18 VAEs. */
    public static final int DEFAULT_LATENT = 256;

    public ResNetVaeConfig {
        if (stem == null || output == null) {
            throw new IllegalArgumentException("ResNetVaeConfig: stem and output activation must be given");
        }
        if (inChannels < 1 || baseWidth < 1 || latentDim < 1) {
            throw new IllegalArgumentException("ResNetVaeConfig: channels, base width and latent size must be positive, got "
                    + inChannels + ", " + baseWidth + ", " + latentDim);
        }
        int d = stem.downsampling();
        if (height < d || width < d || height % d != 0 || width % d != 0) {
            throw new IllegalArgumentException("ResNetVaeConfig: with the " + stem + " stem height and width must be positive"
                    + " multiples of " + d + ", got " + height + " x " + width);
        }
    }

    /** ResNet-18 widths (64-512), 224 x 224 RGB with ImageNet normalisation (linear output), latent 256. */
    public static ResNetVaeConfig imagenet224() {
        return new ResNetVaeConfig(3, 224, 224, 64, DEFAULT_LATENT, ResNetStem.IMAGENET, OutputActivation.LINEAR);
    }

    /** ResNet-18 widths with the small-image stem, for {@code size} x {@code size} RGB (32 or 64: any multiple of 8). */
    public static ResNetVaeConfig small(int size, OutputActivation output) {
        return new ResNetVaeConfig(3, size, size, 64, DEFAULT_LATENT, ResNetStem.SMALL, output);
    }

    /** This configuration with another base width and latent size. */
    public ResNetVaeConfig withWidths(int newBaseWidth, int newLatentDim) {
        return new ResNetVaeConfig(inChannels, height, width, newBaseWidth, newLatentDim, stem, output);
    }
}
