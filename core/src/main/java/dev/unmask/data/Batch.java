package dev.unmask.data;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * A batch of examples packed for a model.
 *
 * @param images {@code n * channels * height * width} values, NCHW
 * @param labels {@code n} labels
 * @param masks {@code n * height * width} 0/1 values (N1HW), or {@code null} when the dataset has no masks
 * @param indices the dataset index of each example
 */
public record Batch(float[] images, int[] labels, float[] masks, int[] indices, int channels, int height, int width) {
    public Batch {
        int n = indices.length;
        if (labels.length != n || images.length != (long) n * channels * height * width
                || (masks != null && masks.length != (long) n * height * width)) {
            throw new IllegalArgumentException("batch arrays do not match " + n + " examples of "
                    + channels + "x" + height + "x" + width);
        }
    }

    /** Number of examples. */
    public int size() {
        return indices.length;
    }

    /** The images as an F32 tensor [n, channels, height, width]. */
    public Tensor imagesTensor(Backend backend) {
        return backend.fromFloats(images, Shape.of(size(), channels, height, width));
    }

    /** The labels as an I32 tensor [n]. */
    public Tensor labelsTensor(Backend backend) {
        return backend.fromInts(labels, Shape.of(size()));
    }

    /**
     * The masks as an F32 tensor [n, 1, height, width].
     *
     * @throws IllegalStateException when the batch has no masks
     */
    public Tensor masksTensor(Backend backend) {
        if (masks == null) {
            throw new IllegalStateException("this batch has no masks (its dataset provides none)");
        }
        return backend.fromFloats(masks, Shape.of(size(), 1, height, width));
    }
}
