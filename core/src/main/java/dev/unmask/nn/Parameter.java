package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Tensor;

/**
 * A trainable leaf owned by a {@link Module}: it requires a gradient, and optimizers update its value in
 * place, so the value tensor stays the same object for the module's life.
 */
public final class Parameter extends Variable {
    public Parameter(Tensor value) {
        super(value, true);
    }
}
