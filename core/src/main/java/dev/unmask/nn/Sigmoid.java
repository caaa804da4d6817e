package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** Logistic sigmoid, {@code 1 / (1 + e^-x)}. */
public final class Sigmoid extends Layer {
    @Override
    public Variable forward(Variable x) {
        return x.sigmoid();
    }
}
