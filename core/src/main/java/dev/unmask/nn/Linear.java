package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Shape;

/**
 * {@code y = x W^T + b} over the last axis: x [..., in] (rank at least 2), {@code weight} [out, in],
 * optional {@code bias} [out]; PyTorch's initialisation with fanIn = in.
 */
public final class Linear extends WeightedLayer {
    private final Parameter bias;

    public Linear(int in, int out, boolean bias, ParameterInit init) {
        super(init.fanInUniform(Shape.of(out, in), in));
        this.bias = bias ? registerParameter("bias", new Parameter(init.fanInUniform(Shape.of(out), in))) : null;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = x.matmul(weight(), false, true);
        return bias == null ? y : y.add(bias);
    }
}
