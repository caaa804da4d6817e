package dev.unmask.nn;

import dev.unmask.autograd.Variable;

/** A module that maps one input to one output, so layers can be chained in a {@link Sequential}. */
public abstract class Layer extends Module {
    public abstract Variable forward(Variable x);
}
