package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** Rectified linear unit, {@code max(x, 0)}. */
public final class ReLU extends Layer {
    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
