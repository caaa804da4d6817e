package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.ops.Op;
import dev.unmask.ops.ReduceOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Arrays;

/**
 * One differentiable operation in the graph: the forward result is computed by the caller through the
 * backend ops, and {@link #backward} maps the gradient of the output to gradients of the inputs, again
 * in backend ops, so every backend gets gradients for free. A function captures only the tensors its
 * backward needs.
 */
public abstract class Function {
    private Variable[] inputs = new Variable[0];

    /** The variables this function was applied to, in the order {@link #backward} returns gradients. */
    final Variable[] inputs() {
        return inputs;
    }

    /**
     * Gradients with respect to each input, in input order, given the gradient of the output (same shape
     * as the output). An entry may be null where {@link #needsGrad} is false.
     */
    protected abstract Tensor[] backward(Tensor gradOut);

    /** Whether input {@code i} needs a gradient, so that backward can skip work for constants. */
    protected final boolean needsGrad(int i) {
        return inputs[i].requiresGrad();
    }

    /**
     * Wraps a forward result: records {@code function} as its creator when some input requires a gradient
     * and no {@link NoGrad} scope is open, otherwise returns a constant.
     */
    static Variable record(Tensor value, Function function, Variable... inputs) {
        if (NoGrad.isActive()) {
            return Variable.constant(value);
        }
        for (Variable v : inputs) {
            if (v.requiresGrad()) {
                function.inputs = inputs.clone();
                return new Variable(value, function);
            }
        }
        return Variable.constant(value);
    }

    /**
     * Sums a broadcast gradient back to the shape of the input it came from: over the leading axes the
     * input lacked and over the axes where the input had size 1.
     */
    static Tensor unbroadcast(Tensor grad, Shape shape) {
        if (grad.shape().equals(shape)) {
            return grad;
        }
        int lead = grad.rank() - shape.rank();
        int count = 0;
        int[] axes = new int[grad.rank()];
        for (int i = 0; i < grad.rank(); i++) {
            if (i < lead || (shape.dim(i - lead) == 1 && grad.dim(i) != 1)) {
                axes[count++] = i;
            }
        }
        Backend backend = Backend.of(grad);
        Tensor summed = backend.reduce(ReduceOp.SUM, grad, Arrays.copyOf(axes, count), true);
        return backend.reshape(summed, shape);
    }

    /** An F32 scalar on the backend of {@code like}, for broadcasting constants into expressions. */
    static Tensor scalar(Tensor like, float value) {
        return Backend.of(like).full(Shape.scalar(), DType.F32, value);
    }

    /** The backend's ops for {@code x}. */
    static Op ops(Tensor x) {
        return Backend.of(x);
    }
}
