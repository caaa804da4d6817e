package dev.unmask.data;

/**
 * One item of a {@link Dataset}.
 *
 * @param image the picture, values in [-1, 1]
 * @param label class label (for real/fake data: 0 real, 1 fake)
 * @param mask single-channel 0/1 mask of manipulated pixels with the image's height and width, or
 *     {@code null} when the dataset has none
 */
public record Example(FloatImage image, int label, FloatImage mask) {
    public Example {
        if (mask != null && (mask.channels() != 1 || mask.height() != image.height()
                || mask.width() != image.width())) {
            throw new IllegalArgumentException("mask " + mask + " does not fit image " + image
                    + " (needs 1 channel of the same height and width)");
        }
    }

    /** This example with another image and mask (label kept). */
    public Example with(FloatImage newImage, FloatImage newMask) {
        return new Example(newImage, label, newMask);
    }
}
