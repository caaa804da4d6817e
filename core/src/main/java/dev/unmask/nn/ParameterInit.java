package dev.unmask.nn;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * What a module's parameters are made with: the backend they are created on and the random stream their
 * initial values are drawn from, in PyTorch's default distributions. Every module with parameters or buffers
 * takes one when it is built and draws from it in registration order, so two models built from initialisers
 * with the same seed have the same parameters, bit for bit, on any backend. A module never picks a backend
 * itself.
 *
 * <p>Not thread-safe: a model is built on one thread.
 */
public final class ParameterInit {
    private final Backend backend;
    private final SplittableRandom random;

    /** Parameters on {@code backend}, drawn from {@code random} (which this initialiser advances). */
    public ParameterInit(Backend backend, SplittableRandom random) {
        if (backend == null || random == null) {
            throw new IllegalArgumentException("ParameterInit needs a backend and a random stream");
        }
        this.backend = backend;
        this.random = random;
    }

    /** Parameters on {@code backend}, drawn from {@code new SplittableRandom(seed)}. */
    public ParameterInit(Backend backend, long seed) {
        this(backend, new SplittableRandom(seed));
    }

    /** The backend every tensor of this initialiser is created on. */
    public Backend backend() {
        return backend;
    }

    /**
     * An initialiser on the same backend whose stream is {@link SplittableRandom#split()} of this one: the
     * parts of a model built from splits do not shift one another's draws.
     */
    public ParameterInit split() {
        return new ParameterInit(backend, random.split());
    }

    /** The next 64 bits of the stream ({@link SplittableRandom#nextLong()}), e.g. the seed of a dropout layer. */
    public long nextSeed() {
        return random.nextLong();
    }

    /** F32 values drawn uniformly from [-bound, bound): {@code (2 u - 1) * bound}, u uniform in [0, 1). */
    public Tensor uniform(Shape shape, double bound) {
        ParameterBudget.charge(shape);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return backend.fromFloats(data, shape);
    }

    /**
     * PyTorch's default for convolution and linear weights and biases: kaiming_uniform with a = sqrt(5)
     * reduces to U(-1/sqrt(fanIn), 1/sqrt(fanIn)), and biases use the same bound.
     */
    public Tensor fanInUniform(Shape shape, int fanIn) {
        return uniform(shape, 1 / Math.sqrt(fanIn));
    }

    /** Standard normal F32 values (Box-Muller, one pair of uniforms per value), as PyTorch's embedding default. */
    public Tensor normal(Shape shape) {
        ParameterBudget.charge(shape);
        float[] data = new float[shape.numel()];
        for (int i = 0; i < data.length; i++) {
            double u = 1 - random.nextDouble();
            data[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return backend.fromFloats(data, shape);
    }

    /** An F32 tensor with every element {@code value}; draws nothing. */
    public Tensor constant(Shape shape, float value) {
        ParameterBudget.charge(shape);
        return backend.full(shape, DType.F32, value);
    }
}
