package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** {@code x > 0 ? x : alpha (e^x - 1)}. */
public final class ELU extends Layer {
    private final float alpha;

    public ELU(float alpha) {
        this.alpha = alpha;
    }

    /** PyTorch's default, alpha = 1. */
    public ELU() {
        this(1f);
    }

    @Override
    public Variable forward(Variable x) {
        return x.elu(alpha);
    }
}
