package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.ops.BatchStatistics;
import dev.unmask.ops.BinaryOp;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * Batch normalisation over the channels of NCHW input, as PyTorch's BatchNorm2d:
 * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} per channel. In training mode the batch's
 * mean and biased variance are used, and the buffers {@code running_mean} and {@code running_var} move
 * towards the batch mean and the unbiased variance by {@code momentum}; {@code num_batches_tracked}
 * counts the updates. In evaluation mode the running statistics are used. Both run as the backend's fused
 * batch-norm ops ({@link dev.unmask.ops.Op#batchNorm2d} and its backward).
 */
public final class BatchNorm2d extends Layer {
    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param eps      added to the variance (PyTorch 1e-5, Keras and MesoNet 1e-3)
     * @param momentum weight of the new batch in the running statistics (PyTorch 0.1; Keras's 0.99 is 0.01 here)
     * @param init     the backend of the parameters and buffers (weight 1, bias 0; nothing is drawn)
     */
    public BatchNorm2d(int channels, float eps, float momentum, ParameterInit init) {
        if (channels < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: invalid channels " + channels + ", eps " + eps
                    + " or momentum " + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = registerParameter("weight", new Parameter(init.constant(Shape.of(channels), 1f)));
        this.bias = registerParameter("bias", new Parameter(init.constant(Shape.of(channels), 0f)));
        registerBuffer("running_mean", init.constant(Shape.of(channels), 0f));
        registerBuffer("running_var", init.constant(Shape.of(channels), 1f));
        registerBuffer("num_batches_tracked", init.backend().fromInts(new int[] {0}, Shape.scalar()));
    }

    /** PyTorch's defaults: eps 1e-5, momentum 0.1. */
    public BatchNorm2d(int channels, ParameterInit init) {
        this(channels, 1e-5f, 0.1f, init);
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.dim(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): expected NCHW input with "
                    + channels + " channels, got " + x.shape());
        }
        if (isTraining()) {
            BatchStatistics batch = Backend.of(x.value()).batchNormStatistics(x.value());
            updateRunningStatistics(batch.mean(), batch.variance(), x.value().numel() / channels);
            return x.batchNorm2d(weight, bias, batch.mean(), batch.variance(), eps, true);
        }
        return x.batchNorm2d(weight, bias, buffer("running_mean"), buffer("running_var"), eps, false);
    }

    private void updateRunningStatistics(Tensor mean, Tensor biasedVariance, int count) {
        Backend op = Backend.of(mean);
        float unbias = count > 1 ? (float) count / (count - 1) : 1f;
        Tensor m = op.full(Shape.scalar(), mean.dtype(), momentum);
        Tensor keep = op.full(Shape.scalar(), mean.dtype(), 1 - momentum);
        Tensor variance = op.binary(BinaryOp.MUL, biasedVariance, op.full(Shape.scalar(), mean.dtype(), unbias));
        setBuffer("running_mean", blend(op, buffer("running_mean"), mean, keep, m));
        setBuffer("running_var", blend(op, buffer("running_var"), variance, keep, m));
        int batches = (int) buffer("num_batches_tracked").item();
        setBuffer("num_batches_tracked", op.fromInts(new int[] {batches + 1}, Shape.scalar()));
    }

    /** {@code keep * running + m * batch}, reshaped to the running buffer's [C]. */
    private static Tensor blend(Backend op, Tensor running, Tensor batch, Tensor keep, Tensor m) {
        Tensor b = op.reshape(batch, running.shape());
        return op.binary(BinaryOp.ADD, op.binary(BinaryOp.MUL, running, keep), op.binary(BinaryOp.MUL, b, m));
    }
}
