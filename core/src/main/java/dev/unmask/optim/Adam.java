package dev.unmask.optim;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.ops.AdamParams;
import dev.unmask.tensor.Tensor;

import java.util.List;

/**
 * Adam (Kingma and Ba) through the backend's fused {@code adamStep}, with bias correction; state
 * {@code exp_avg} and {@code exp_avg_sq} per parameter. Weight decay is added to the gradient (PyTorch's
 * Adam) or, when {@code decoupled}, applied to the parameter directly (AdamW). The bias correction uses
 * the optimizer's step count, which equals PyTorch's per-parameter count when every parameter has a
 * gradient at every step.
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;

    public Adam(List<? extends Variable> parameters, double learningRate, double beta1, double beta2, double epsilon,
                double weightDecay, boolean decoupled) {
        super(parameters, learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam: invalid betas (" + beta1 + ", " + beta2 + "), epsilon "
                    + epsilon + " or weight decay " + weightDecay);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), epsilon 1e-8, no weight decay. */
    public Adam(List<? extends Variable> parameters, double learningRate) {
        this(parameters, learningRate, 0.9, 0.999, 1e-8, 0, false);
    }

    @Override
    protected void update(int index, Tensor value, Tensor grad, long step) {
        AdamParams params = new AdamParams((float) learningRate(), beta1, beta2, epsilon, weightDecay, decoupled, step);
        Backend.of(value).adamStep(value, grad, stateTensor(index, "exp_avg"), stateTensor(index, "exp_avg_sq"), params);
    }
}
