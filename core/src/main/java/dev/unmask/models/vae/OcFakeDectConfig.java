package dev.unmask.models.vae;

/**
 * Shape of an {@link OcFakeDect}: the image size, the widths of the four encoder convolutions (the last
 * one is the latent's channel count) and the decoder's output.
 *
 * @param inChannels     image channels
 * @param height         image height, a multiple of 4 (the encoder halves it twice)
 * @param width          image width, a multiple of 4
 * @param channels1      width of the first encoder convolution (stride 1)
 * @param channels2      width of the second (stride 2)
 * @param channels3      width of the third (stride 1)
 * @param latentChannels width of the fourth (stride 2), and of the latent: [latentChannels, height / 4, width / 4]
 * @param secondEncoder  OC-FakeDect-2: a second encoder maps the reconstruction to its own mean
 * @param output         sigmoid for inputs in [0, 1], linear for ImageNet-normalised inputs
 */
public record OcFakeDectConfig(int inChannels, int height, int width, int channels1, int channels2, int channels3,
                               int latentChannels, boolean secondEncoder, OutputActivation output) {

    /** The published re-implementation's input: 100 x 100 RGB faces. */
    public static final int FACE_SIZE = 100;

    public OcFakeDectConfig {
        if (inChannels < 1 || channels1 < 1 || channels2 < 1 || channels3 < 1 || latentChannels < 1) {
            throw new IllegalArgumentException("OcFakeDectConfig: channel counts must be positive, got " + inChannels + ", "
                    + channels1 + ", " + channels2 + ", " + channels3 + ", " + latentChannels);
        }
        if (height < 4 || width < 4 || height % 4 != 0 || width % 4 != 0) {
            throw new IllegalArgumentException("OcFakeDectConfig: height and width must be positive multiples of 4, got "
                    + height + " x " + width);
        }
        if (output == null) {
            throw new IllegalArgumentException("OcFakeDectConfig: the output activation must be given");
        }
    }

    /** OC-FakeDect-1: 3 x 100 x 100, convolutions of 16, 32, 64 and 32 channels, a 32 x 25 x 25 latent. */
    public static OcFakeDectConfig ocFakeDect1(OutputActivation output) {
        return new OcFakeDectConfig(3, FACE_SIZE, FACE_SIZE, 16, 32, 64, 32, false, output);
    }

    /** OC-FakeDect-2: OC-FakeDect-1 with a second encoder of the same shape applied to the reconstruction. */
    public static OcFakeDectConfig ocFakeDect2(OutputActivation output) {
        return ocFakeDect1(output).withSecondEncoder(true);
    }

    /** This configuration for images of another size. */
    public OcFakeDectConfig withSize(int newHeight, int newWidth) {
        return new OcFakeDectConfig(inChannels, newHeight, newWidth, channels1, channels2, channels3, latentChannels,
                secondEncoder, output);
    }

    /** This configuration with other convolution widths. */
    public OcFakeDectConfig withChannels(int c1, int c2, int c3, int latent) {
        return new OcFakeDectConfig(inChannels, height, width, c1, c2, c3, latent, secondEncoder, output);
    }

    /** This configuration with or without the second encoder. */
    public OcFakeDectConfig withSecondEncoder(boolean second) {
        return new OcFakeDectConfig(inChannels, height, width, channels1, channels2, channels3, latentChannels, second,
                output);
    }
}
