package dev.unmask.nn;

import dev.unmask.autograd.Variable;
import dev.unmask.tensor.Tensor;

/**
 * A layer with a weight that may be reparametrised by {@link WeightNorm}: a plain {@code weight}
 * parameter, or {@code weight_g} and {@code weight_v} from which the weight is computed on every forward.
 */
public abstract class WeightedLayer extends Layer {
    private Parameter weight;
    private Parameter weightG;
    private Parameter weightV;

    protected WeightedLayer(Tensor weight) {
        this.weight = registerParameter("weight", new Parameter(weight));
    }

    /** The weight used by the forward pass: the parameter itself, or {@code g v / ||v||} under weight norm. */
    public Variable weight() {
        return weightV == null ? weight : WeightNorm.weight(weightG, weightV);
    }

    /** Whether {@link WeightNorm#apply} has been applied. */
    public boolean isWeightNormalised() {
        return weightV != null;
    }

    void replaceWeightBy(Parameter g, Parameter v) {
        if (weightV != null) {
            throw new IllegalStateException(getClass().getSimpleName() + " already has weight normalisation");
        }
        removeParameter("weight");
        weight = null;
        weightG = registerParameter("weight_g", g);
        weightV = registerParameter("weight_v", v);
    }
}
