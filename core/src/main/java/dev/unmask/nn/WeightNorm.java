package dev.unmask.nn;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.Tensor;

/**
 * Weight normalisation (Salimans and Kingma 2016) as PyTorch's {@code torch.nn.utils.weight_norm} with
 * its default {@code dim = 0}: {@code w = g * v / ||v||}, the norm taken over every axis but the first
 * (per output channel of a convolution or linear layer). The layer's {@code weight} parameter is
 * replaced by {@code weight_g} (shape [O, 1, ...]) and {@code weight_v} (the weight's shape),
 * registered after the existing parameters as PyTorch does.
 */
public final class WeightNorm {
    private WeightNorm() {
    }

    /**
     * Reparametrises {@code layer}'s weight, keeping its current value: {@code v = w},
     * {@code g = ||w||}. Returns the layer.
     */
    public static <L extends WeightedLayer> L apply(L layer) {
        Tensor w = layer.weight().value();
        Tensor g;
        try (NoGrad scope = NoGrad.enter()) {
            g = norm(Variable.constant(w)).value();
        }
        Backend backend = Backend.of(w);
        Tensor v = backend.full(w.shape(), w.dtype(), 0f);
        backend.copyInto(v, w);
        layer.replaceWeightBy(new Parameter(g), new Parameter(v));
        return layer;
    }

    /** {@code g * v / ||v||} with the norm over all axes but the first; differentiable in g and v. */
    static Variable weight(Variable g, Variable v) {
        return v.mul(g.div(norm(v)));
    }

    private static Variable norm(Variable v) {
        int[] axes = new int[v.rank() - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return v.square().sum(axes, true).sqrt();
    }
}
