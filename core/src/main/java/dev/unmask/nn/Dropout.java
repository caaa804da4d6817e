package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.random.Seeds;

/**
 * In training mode zeroes each element with probability {@code p} and scales the rest by
 * {@code 1 / (1 - p)}; the identity in evaluation mode.
 *
 * <p>Masks are counter-based: the mask of the {@code c}-th training forward since the layer was keyed
 * with {@code key} drops element {@code i} exactly when {@code u(key, c, i) < p}, where {@code u} is a
 * uniform float made by SplitMix64's mixing function from {@code (key, c, i)} alone. So the layer's
 * whole random state is {@code (key, c)}: a trainer that calls {@link Module#reseed(long)} with a value
 * from its own checkpointed generator before every step makes the masks resume exactly with it. The
 * constructor's seed is the key until the first reseed.
 */
public final class Dropout extends Layer {
    /** 2^-24: turns the top 24 bits of a long into a float in [0, 1). */
    private static final float FLOAT_UNIT = 0x1.0p-24f;

    private final float p;
    private long key;
    private long calls;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.key = seed;
    }

    /** Restarts the mask stream: the next training forward uses mask number 0 of {@code key}. */
    @Override
    protected void reseedSelf(long key) {
        this.key = key;
        this.calls = 0;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        float[] mask = new float[x.value().numel()];
        float keep = 1 / (1 - p);
        long stream = Seeds.derive(key, calls++);
        for (int i = 0; i < mask.length; i++) {
            // element i is SplitMix64's output number i of the stream: a function of (stream, i) only
            float u = (Seeds.mix(stream + (i + 1L) * Seeds.GOLDEN_GAMMA) >>> 40) * FLOAT_UNIT;
            mask[i] = u < p ? 0f : keep;
        }
        return x.mul(Variable.constant(Backend.of(x.value()).fromFloats(mask, x.shape())));
    }
}
