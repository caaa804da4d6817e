package dev.unmask.autograd;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks backward passes against central finite differences. The scalar probed is
 * {@code L = sum(out * r)} with a fixed random {@code r}, so every output element matters (a plain sum
 * would hide errors in functions whose outputs sum to a constant, like softmax). Forward passes run in
 * float32; the differences and sums are taken in double.
 */
public final class GradCheck {
    /** Step of the central difference: large enough that float32 rounding of L (about 1e-7 |L|) divided by 2h stays near 1e-5, small enough that the h^2 truncation error of smooth functions is about 1e-5. */
    public static final double STEP = 1e-2;
    /** Covers the float32 rounding of L over a few hundred outputs divided by 2h, plus truncation. */
    public static final double ABSOLUTE_TOLERANCE = 2e-3;
    /** Covers truncation error proportional to the third derivative for the larger gradients. */
    public static final double RELATIVE_TOLERANCE = 1e-2;

    private GradCheck() {
    }

    /**
     * Compares the gradients of {@code L} with respect to every leaf (plain leaves or module parameters,
     * perturbed in place and restored) with central differences.
     */
    public static void check(Supplier<Variable> function, Variable... leaves) {
        Variable out = function.get();
        Tensor projection = uniform(new SplittableRandom(99), -1, 1, out.shape().dims());
        for (Variable leaf : leaves) {
            leaf.zeroGrad();
        }
        out.backward(projection);
        float[] r = projection.toFloatArray();
        for (int l = 0; l < leaves.length; l++) {
            Variable leaf = leaves[l];
            assertNotNull(leaf.grad(), "leaf " + l + " received no gradient");
            float[] analytic = leaf.grad().toFloatArray();
            float[] original = leaf.value().toFloatArray();
            float[] probe = original.clone();
            for (int i = 0; i < original.length; i++) {
                probe[i] = (float) (original[i] + STEP);
                double plus = projected(function, leaf, probe, r);
                probe[i] = (float) (original[i] - STEP);
                double minus = projected(function, leaf, probe, r);
                probe[i] = original[i];
                // the float32 probe points are what was evaluated, so divide by their true distance
                double numeric = (plus - minus) / ((double) (float) (original[i] + STEP) - (float) (original[i] - STEP));
                double limit = ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * Math.abs(numeric);
                if (!(Math.abs(analytic[i] - numeric) <= limit)) {
                    fail("leaf " + l + " " + leaf.shape() + ", element " + i + ": backward gives " + analytic[i]
                            + ", finite differences give " + numeric);
                }
            }
            set(leaf, original);
        }
    }

    private static double projected(Supplier<Variable> function, Variable leaf, float[] values, float[] r) {
        set(leaf, values);
        float[] y;
        try (NoGrad scope = NoGrad.enter()) {
            y = function.get().value().toFloatArray();
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += (double) y[i] * r[i];
        }
        return sum;
    }

    private static void set(Variable leaf, float[] values) {
        Tensor v = leaf.value();
        Backend backend = Backend.of(v);
        backend.copyInto(v, backend.fromFloats(values, v.shape()));
    }

    /** Values uniform in [lo, hi). */
    public static Tensor uniform(SplittableRandom rng, double lo, double hi, int... dims) {
        float[] data = new float[Shape.of(dims).numel()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(dims));
    }

    /** Values of magnitude in [0.2, 1.5) with random signs: far from the kinks at 0 compared to {@link #STEP}. */
    public static Tensor awayFromZero(SplittableRandom rng, int... dims) {
        float[] data = uniform(rng, 0.2, 1.5, dims).toFloatArray();
        for (int i = 0; i < data.length; i++) {
            if (rng.nextBoolean()) {
                data[i] = -data[i];
            }
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(dims));
    }

    /**
     * Distinct values -1, -1 + 0.05, ... in random order: any two differ by at least 0.05 > 2 * STEP, so
     * a perturbation never changes which element is a maximum.
     */
    public static Tensor distinct(SplittableRandom rng, int... dims) {
        int n = Shape.of(dims).numel();
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = -1f + 0.05f * i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = data[i];
            data[i] = data[j];
            data[j] = t;
        }
        return Backends.defaultBackend().fromFloats(data, Shape.of(dims));
    }

    /** A leaf of uniform values in [-1, 1). */
    public static Variable leaf(SplittableRandom rng, int... dims) {
        return Variable.leaf(uniform(rng, -1, 1, dims));
    }
}
