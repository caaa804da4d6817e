package dev.unmask.data;

import dev.unmask.random.Seeds;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transforms applied in order with seeded randomness: the stream for step {@code s} of the sample keyed
 * by {@code keys} (typically its index, or epoch and index) is seeded with
 * {@code Seeds.derive(seed, keys..., s)}, so a result depends only on (seed, keys), never on which thread
 * ran it or in which order.
 */
public final class TransformPipeline {
    private final long seed;
    private final List<Transform> steps;

    public TransformPipeline(long seed, List<Transform> steps) {
        this.seed = seed;
        this.steps = List.copyOf(steps);
    }

    public TransformPipeline(long seed, Transform... steps) {
        this(seed, List.of(steps));
    }

    /** The image after every step, for the sample keyed by {@code keys}. */
    public FloatImage apply(FloatImage image, long... keys) {
        FloatImage out = image;
        for (int s = 0; s < steps.size(); s++) {
            out = steps.get(s).apply(out, stream(keys, s));
        }
        return out;
    }

    /**
     * The example after every step; geometric steps are also applied to its mask with the same random
     * draws, and the mask is then made binary again (1 where the transformed value is >= 0.5).
     */
    public Example apply(Example example, long... keys) {
        FloatImage image = example.image();
        FloatImage mask = example.mask();
        for (int s = 0; s < steps.size(); s++) {
            Transform step = steps.get(s);
            image = step.apply(image, stream(keys, s));
            if (mask != null && step.geometric()) {
                mask = step.apply(mask, stream(keys, s));
            }
        }
        return example.with(image, mask == null || mask == example.mask() ? mask : binarise(mask));
    }

    private SplittableRandom stream(long[] keys, int step) {
        long[] all = Arrays.copyOf(keys, keys.length + 1);
        all[keys.length] = step;
        return new SplittableRandom(Seeds.derive(seed, all));
    }

    private static FloatImage binarise(FloatImage mask) {
        float[] out = new float[mask.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mask.data()[i] >= 0.5f ? 1f : 0f;
        }
        return new FloatImage(1, mask.height(), mask.width(), out);
    }
}
