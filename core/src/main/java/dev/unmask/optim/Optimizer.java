package dev.unmask.optim;

import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates a fixed list of parameters from their accumulated gradients. Per-parameter state (moments,
 * momentum buffers) lives in tensors named {@code "<index>.<kind>"} ({@code "0.exp_avg"}), the index
 * being the parameter's position in the list; with the step count it is all a checkpoint needs.
 * Parameters without a gradient are skipped by a step.
 */
public abstract class Optimizer {
    private final List<Variable> parameters;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private double learningRate;
    private long steps;

    protected Optimizer(List<? extends Variable> parameters, double learningRate) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimise");
        }
        for (Variable p : parameters) {
            if (!p.isLeaf() || !p.requiresGrad()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": " + p + " is not a trainable leaf");
            }
        }
        this.parameters = List.copyOf(parameters);
        setLearningRate(learningRate);
    }

    /** Applies one update to every parameter that has a gradient, then counts the step. */
    public final void step() {
        steps++;
        for (int i = 0; i < parameters.size(); i++) {
            Variable p = parameters.get(i);
            if (p.grad() != null) {
                update(i, p.value(), p.grad(), steps);
            }
        }
    }

    /** Updates parameter {@code index}'s value in place; {@code step} counts from 1. */
    protected abstract void update(int index, Tensor value, Tensor grad, long step);

    /** The state tensor {@code "<index>.<kind>"}, created as zeros shaped like the parameter on first use. */
    protected final Tensor stateTensor(int index, String kind) {
        return state.computeIfAbsent(index + "." + kind, key -> {
            Tensor p = parameters.get(index).value();
            return Backend.of(p).full(p.shape(), DType.F32, 0f);
        });
    }

    /** Forgets every parameter's gradient. */
    public final void zeroGrad() {
        parameters.forEach(Variable::zeroGrad);
    }

    public final List<Variable> parameters() {
        return parameters;
    }

    public final double learningRate() {
        return learningRate;
    }

    /** Sets the rate of the next steps (see {@link LearningRateSchedule}). */
    public final void setLearningRate(double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** Number of steps taken so far. */
    public final long steps() {
        return steps;
    }

    /** The live state tensors by name, for checkpoints. */
    public final Map<String, Tensor> state() {
        return new LinkedHashMap<>(state);
    }

    /**
     * Restores state saved from an optimizer of the same kind over the same parameters: every tensor is
     * copied (to this optimizer's backend) and the step count is set. Names or shapes that do not fit
     * the parameters are errors.
     */
    public final void loadState(Map<String, Tensor> saved, long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be non-negative, got " + steps);
        }
        Map<String, Tensor> restored = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : saved.entrySet()) {
            String name = e.getKey();
            int dot = name.indexOf('.');
            int index;
            try {
                index = Integer.parseInt(name.substring(0, Math.max(dot, 0)));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("optimizer state '" + name + "' is not named <index>.<kind>");
            }
            if (index < 0 || index >= parameters.size()) {
                throw new IllegalArgumentException("optimizer state '" + name + "' names parameter " + index
                        + " of " + parameters.size());
            }
            Tensor p = parameters.get(index).value();
            if (!e.getValue().shape().equals(p.shape()) || e.getValue().dtype() != DType.F32) {
                throw new IllegalArgumentException("optimizer state '" + name + "' is " + e.getValue()
                        + ", parameter " + index + " is " + p);
            }
            Backend backend = Backend.of(p);
            Tensor copy = backend.full(p.shape(), DType.F32, 0f);
            backend.copyInto(copy, e.getValue().to(backend));
            restored.put(name, copy);
        }
        state.clear();
        state.putAll(restored);
        this.steps = steps;
    }
}
