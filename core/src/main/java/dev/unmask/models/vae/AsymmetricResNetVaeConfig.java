package dev.unmask.models.vae;

/**
 * Shape of an {@link AsymmetricResNetVae}.
 *
 * @param inChannels     image channels
 * @param height         image height, a multiple of 32
 * @param width          image width, a multiple of 32
 * @param baseWidth      width of the encoder's first stage (ResNet-18: 64)
 * @param hidden1        width of {@code fc1} (the thesis: 1024)
 * @param hidden2        width of {@code fc2} and {@code fc4} (768)
 * @param latentDim      size of the latent vector (256)
 * @param mapChannels    channels of the map that {@code fc5} makes, [mapChannels, H / 32, W / 32] (64)
 * @param upChannels1    output channels of {@code convTrans6} (32)
 * @param upChannels2    output channels of {@code convTrans7} (8)
 * @param output         sigmoid for inputs in [0, 1], linear for ImageNet-normalised inputs
 */
public record AsymmetricResNetVaeConfig(int inChannels, int height, int width, int baseWidth, int hidden1, int hidden2,
                                        int latentDim, int mapChannels, int upChannels1, int upChannels2,
                                        OutputActivation output) {

    public AsymmetricResNetVaeConfig {
        if (output == null) {
            throw new IllegalArgumentException("AsymmetricResNetVaeConfig: the output activation must be given");
        }
        if (inChannels < 1 || baseWidth < 1 || hidden1 < 1 || hidden2 < 1 || latentDim < 1 || mapChannels < 1
                || upChannels1 < 1 || upChannels2 < 1) {
            throw new IllegalArgumentException("AsymmetricResNetVaeConfig: every width must be positive, got " + inChannels
                    + ", " + baseWidth + ", " + hidden1 + ", " + hidden2 + ", " + latentDim + ", " + mapChannels + ", "
                    + upChannels1 + ", " + upChannels2);
        }
        if (height < 32 || width < 32 || height % 32 != 0 || width % 32 != 0) {
            throw new IllegalArgumentException("AsymmetricResNetVaeConfig: height and width must be positive multiples of 32,"
                    + " got " + height + " x " + width);
        }
    }

    /** The thesis' widths: ResNet-18 (64-512), fc 1024 and 768, latent 256, decoder maps 64, 32, 8; 224 x 224 RGB, ImageNet-normalised. */
    public static AsymmetricResNetVaeConfig imagenet224() {
        return new AsymmetricResNetVaeConfig(3, 224, 224, 64, 1024, 768, ResNetVaeConfig.DEFAULT_LATENT, 64, 32, 8,
                OutputActivation.LINEAR);
    }
}
