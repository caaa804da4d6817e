package dev.unmask.data;

import java.util.SplittableRandom;

/**
 * One step of a {@link TransformPipeline}: a function of the image and a random stream that is private
 * to this step and this sample, so its result never depends on other samples or on threads.
 */
@FunctionalInterface
public interface Transform {
    /** The transformed image (a new one; {@code image} is not modified). */
    FloatImage apply(FloatImage image, SplittableRandom random);

    /**
     * True when the step moves pixels (resize, crop, flip, rotation): a pipeline then applies it to the
     * mask too, with the same random draws. Photometric steps (blur, colour, JPEG) leave masks alone.
     */
    default boolean geometric() {
        return false;
    }
}
