package dev.unmask.nn;

import dev.unmask.backend.Backends;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Seeded parameter initialisation on the default backend, following PyTorch's defaults. Every tensor is
 * counted against the thread's {@link ParameterBudget} before it is allocated.
 */
final class Init {
    private Init() {
    }

    /** Values drawn uniformly from [-bound, bound). */
    static Tensor uniform(Shape shape, double bound, SplittableRandom rng) {
        ParameterBudget.charge(shape);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        return Backends.defaultBackend().fromFloats(data, shape);
    }

    /**
     * PyTorch's default for convolution and linear weights and biases: kaiming_uniform with a = sqrt(5)
     * reduces to U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and biases use the same bound.
     */
    static Tensor fanInUniform(Shape shape, int fanIn, SplittableRandom rng) {
        return uniform(shape, 1 / Math.sqrt(fanIn), rng);
    }

    /** Standard normal values (Box-Muller). */
    static Tensor normal(Shape shape, SplittableRandom rng) {
        ParameterBudget.charge(shape);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            double u = 1 - rng.nextDouble();
            data[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return Backends.defaultBackend().fromFloats(data, shape);
    }

    static Tensor constant(Shape shape, float value) {
        ParameterBudget.charge(shape);
        return Backends.defaultBackend().full(shape, DType.F32, value);
    }
}
