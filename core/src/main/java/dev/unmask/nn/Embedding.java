package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/** A lookup table {@code weight} [count, dim], initialised N(0, 1) as PyTorch does. */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int count, int dim, ParameterInit init) {
        this.weight = registerParameter("weight", new Parameter(init.normal(Shape.of(count, dim))));
    }

    public Parameter weight() {
        return weight;
    }

    /** Rows of the table picked by I32 {@code indices} of any shape: {@code indices.shape ++ [dim]}. */
    public Variable forward(Tensor indices) {
        return weight.gather(indices);
    }
}
