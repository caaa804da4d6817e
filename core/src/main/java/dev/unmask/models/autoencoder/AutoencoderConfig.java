package dev.unmask.models.autoencoder;

/**
 * Shape of a {@link ConvAutoencoder} and of the classifier on its encoder.
 *
 * @param inChannels image channels
 * @param height     image height, a multiple of 8 (three stride-2 convolutions)
 * @param width      image width, a multiple of 8
 * @param filters1   filters of the first encoder convolution and of the last transposed one (the study: 168)
 * @param filters2   of the second and the middle one (64)
 * @param filters3   of the third encoder convolution and the first transposed one (32): the code is
 *                   [filters3, height / 8, width / 8]
 */
public record AutoencoderConfig(int inChannels, int height, int width, int filters1, int filters2, int filters3) {

    /** The study's input side: 256 x 256 RGB. */
    public static final int STUDY_SIZE = 256;

    public AutoencoderConfig {
        if (inChannels < 1 || filters1 < 1 || filters2 < 1 || filters3 < 1) {
            throw new IllegalArgumentException("AutoencoderConfig: channel and filter counts must be positive, got "
                    + inChannels + ", " + filters1 + ", " + filters2 + ", " + filters3);
        }
        if (height < 8 || width < 8 || height % 8 != 0 || width % 8 != 0) {
            throw new IllegalArgumentException("AutoencoderConfig: height and width must be positive multiples of 8, got "
                    + height + " x " + width);
        }
    }

    /** The study's autoencoder: 3 x 256 x 256, filters 168, 64, 32. */
    public static AutoencoderConfig study() {
        return new AutoencoderConfig(3, STUDY_SIZE, STUDY_SIZE, 168, 64, 32);
    }

    /** This configuration for images of another size. */
    public AutoencoderConfig withSize(int newHeight, int newWidth) {
        return new AutoencoderConfig(inChannels, newHeight, newWidth, filters1, filters2, filters3);
    }

    /** This configuration with other filter counts. */
    public AutoencoderConfig withFilters(int f1, int f2, int f3) {
        return new AutoencoderConfig(inChannels, height, width, f1, f2, f3);
    }

    /** Elements of one image's code, the classifier head's input: filters3 x height / 8 x width / 8. */
    public int codeSize() {
        return filters3 * (height / 8) * (width / 8);
    }
}
