package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** Hyperbolic tangent. */
public final class Tanh extends Layer {
    @Override
    public Variable forward(Variable x) {
        return x.tanh();
    }
}
