package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** {@code x > 0 ? x : slope x}. */
public final class LeakyReLU extends Layer {
    private final float slope;

    public LeakyReLU(float slope) {
        this.slope = slope;
    }

    /** PyTorch's default, slope = 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    @Override
    public Variable forward(Variable x) {
        return x.leakyRelu(slope);
    }
}
