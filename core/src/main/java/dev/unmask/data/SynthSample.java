package dev.unmask.data;

/**
 * One generated sample: the image, the exact mask of the pixels the manipulation wrote, and what was
 * done. For a real sample the image equals the original and the mask is all zeros.
 *
 * @param image the (possibly manipulated) RGB image, values in [-1, 1] on 8-bit levels
 * @param mask single channel, 1 where the manipulation wrote pixels, 0 elsewhere
 * @param original the face before manipulation (the same object as {@code image} for real samples)
 * @param manipulation what was done
 * @param region where it was done
 */
public record SynthSample(FloatImage image, FloatImage mask, FloatImage original,
                          Manipulation manipulation, FaceRegion region) {
    /** Label of a real sample. */
    public static final int REAL = 0;
    /** Label of a manipulated sample. */
    public static final int FAKE = 1;

    public boolean fake() {
        return manipulation != Manipulation.NONE;
    }

    /** {@link #FAKE} or {@link #REAL}. */
    public int label() {
        return fake() ? FAKE : REAL;
    }

    /** The sample as a dataset example (image, label, mask). */
    public Example toExample() {
        return new Example(image, label(), mask);
    }
}
