package dev.unmask.detectors;

import dev.unmask.data.FloatImage;

/**
 * The name and type of an extra output a family may attach to a score (a latent mean, a reconstruction), so
 * that evaluation reads it without casts: {@code detection.output(OutputKey.RECONSTRUCTION)}.
 */
public record OutputKey<T>(String name, Class<T> type) {
    /** The latent mean vector of an image (one-class VAEs), flattened. */
    public static final OutputKey<float[]> LATENT_MEAN = new OutputKey<>("latent_mean", float[].class);
    /** The model's reconstruction of its input, in the model's input space (C x H x W). */
    public static final OutputKey<FloatImage> RECONSTRUCTION =
            new OutputKey<>("reconstruction", FloatImage.class);

    public OutputKey {
        if (name == null || name.isBlank() || type == null) {
            throw new IllegalArgumentException("an output key needs a name and a type");
        }
    }
}
