package dev.unmask.optim;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.ops.BinaryOp;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent as PyTorch's (no dampening, no Nesterov): {@code g = grad + wd * p};
 * with momentum {@code buf = momentum * buf + g} (state {@code momentum_buffer}) and {@code g = buf};
 * then {@code p -= lr * g}.
 */
public final class SGD extends Optimizer {
    private final double momentum;
    private final double weightDecay;

    public SGD(List<? extends Variable> parameters, double learningRate, double momentum, double weightDecay) {
        super(parameters, learningRate);
        if (!(momentum >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("SGD: momentum " + momentum + " and weight decay " + weightDecay
                    + " must be non-negative");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public SGD(List<? extends Variable> parameters, double learningRate) {
        this(parameters, learningRate, 0, 0);
    }

    @Override
    protected void update(int index, Tensor value, Tensor grad, long step) {
        Backend op = Backend.of(value);
        Tensor g = grad;
        if (weightDecay != 0) {
            g = op.binary(BinaryOp.ADD, g, op.binary(BinaryOp.MUL, value, scalar(op, weightDecay)));
        }
        if (momentum != 0) {
            Tensor buffer = stateTensor(index, "momentum_buffer");
            op.copyInto(buffer, op.binary(BinaryOp.ADD, op.binary(BinaryOp.MUL, buffer, scalar(op, momentum)), g));
            g = buffer;
        }
        op.copyInto(value, op.binary(BinaryOp.SUB, value, op.binary(BinaryOp.MUL, g, scalar(op, learningRate()))));
    }

    private static Tensor scalar(Backend op, double value) {
        return op.full(Shape.scalar(), DType.F32, (float) value);
    }
}
