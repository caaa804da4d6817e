package dev.unmask.data;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import java.util.Arrays;

/**
 * An image as a plain CHW float array. Pictures hold values in [-1, 1] (-1 black, 1 full intensity);
 * masks are single-channel with values exactly 0 or 1. The array is shared, not copied: an operation
 * that returns a new image never modifies its input's array.
 *
 * @param channels number of channels (1 grey or mask, 3 RGB)
 * @param height rows
 * @param width columns
 * @param data {@code channels * height * width} values, index {@code (c * height + y) * width + x}
 */
public record FloatImage(int channels, int height, int width, float[] data) {
    public FloatImage {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image dimensions must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (data.length != (long) channels * height * width) {
            throw new IllegalArgumentException("a " + channels + "x" + height + "x" + width + " image needs "
                    + (long) channels * height * width + " values, got " + data.length);
        }
    }

    /** A zero-filled image. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    /** Number of pixels per channel. */
    public int planeSize() {
        return height * width;
    }

    public float get(int channel, int y, int x) {
        return data[(channel * height + y) * width + x];
    }

    /** A deep copy. */
    public FloatImage copy() {
        return new FloatImage(channels, height, width, data.clone());
    }

    /** True when both images have the same dimensions. */
    public boolean sameSize(FloatImage other) {
        return channels == other.channels && height == other.height && width == other.width;
    }

    /** A new F32 tensor of shape [channels, height, width] on {@code backend}. */
    public Tensor toTensor(Backend backend) {
        return backend.fromFloats(data, Shape.of(channels, height, width));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatImage other && sameSize(other) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatImage[" + channels + "x" + height + "x" + width + "]";
    }
}
