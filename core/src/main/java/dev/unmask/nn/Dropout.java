package dev.unmask.nn;

import dev.unmask.autograd.Variable;

import java.util.SplittableRandom;

/**
 * In training mode zeroes each element with probability {@code p} and scales the rest by
 * {@code 1 / (1 - p)}; the identity in evaluation mode. Masks come from a seeded generator, so a run
 * is reproducible.
 */
public final class Dropout extends Layer {
    private final float p;
    private final SplittableRandom rng;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        float[] mask = new float[x.value().numel()];
        float keep = 1 / (1 - p);
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextDouble() < p ? 0f : keep;
        }
        return x.mul(Variable.constant(x.value().backend().fromFloats(mask, x.shape())));
    }
}
