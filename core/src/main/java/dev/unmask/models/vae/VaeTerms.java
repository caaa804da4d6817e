package dev.unmask.models.vae;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.nn.Module;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/** The reparameterisation, the loss terms and the scores shared by the VAEs of this package. */
final class VaeTerms {
    private VaeTerms() {
    }

    /** z = mean + exp(logVariance / 2) * epsilon, with epsilon a constant of the mean's shape. */
    static Variable sample(Variable mean, Variable logVariance, Tensor epsilon) {
        if (!epsilon.shape().equals(mean.shape()) || epsilon.dtype() != DType.F32) {
            throw new IllegalArgumentException("epsilon must be F32 " + mean.shape() + " (the latent shape), got " + epsilon);
        }
        return mean.add(logVariance.mul(0.5f).exp().mul(Variable.constant(epsilon)));
    }

    /** Per image: -1/2 sum(1 + logVariance - mean^2 - exp(logVariance)) over every axis but the first, [B]. */
    static Variable klDivergence(Variable mean, Variable logVariance) {
        Variable terms = logVariance.add(1f).sub(mean.square()).sub(logVariance.exp());
        return terms.sum(featureAxes(mean.rank())).mul(-0.5f);
    }

    /** Per image: sum of (a - b)^2 over every axis but the first, [B]. */
    static Variable sumOfSquares(Variable a, Variable b) {
        return a.sub(b).square().sum(featureAxes(a.rank()));
    }

    /** Per image: sqrt(mean of (a - b)^2 over every axis but the first), F32 [B], without a graph. */
    static Tensor rootMeanSquare(Tensor a, Tensor b) {
        try (NoGrad scope = NoGrad.enter()) {
            return Variable.constant(a).sub(Variable.constant(b)).square().mean(featureAxes(a.rank())).sqrt().value();
        }
    }

    /** The output of a model with one encoder: the loss is the batch mean of KL + residual sum of squares. */
    static VaeOutput output(Variable images, Variable reconstruction, Variable mean, Variable logVariance) {
        Variable kl = klDivergence(mean, logVariance);
        Variable residual = sumOfSquares(images, reconstruction);
        Variable zeros = Variable.constant(Backend.of(images.value()).full(Shape.of(images.dim(0)), DType.F32, 0f));
        return new VaeOutput(reconstruction, mean, logVariance, kl, residual, zeros, kl.add(residual).mean());
    }

    /** Fails unless {@code images} is F32 [B, channels, height, width] with B at least 1. */
    static void requireImages(String model, Tensor images, int channels, int height, int width) {
        if (images.rank() != 4 || images.dtype() != DType.F32 || images.dim(0) < 1 || images.dim(1) != channels
                || images.dim(2) != height || images.dim(3) != width) {
            throw new IllegalArgumentException(model + ": expected F32 images [B, " + channels + ", " + height + ", "
                    + width + "], got " + images);
        }
    }

    /** Fails unless {@code model} is in evaluation mode, which scoring needs. */
    static void requireEvaluationMode(String name, Module model) {
        if (model.isTraining()) {
            throw new IllegalStateException(name + ": scoring runs in evaluation mode (batch norm with its running "
                    + "statistics); call eval() first");
        }
    }

    /** Axes 1 .. rank - 1. */
    static int[] featureAxes(int rank) {
        int[] axes = new int[rank - 1];
        for (int i = 1; i < rank; i++) {
            axes[i - 1] = i;
        }
        return axes;
    }
}
