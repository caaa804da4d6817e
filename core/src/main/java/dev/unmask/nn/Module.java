package dev.unmask.nn;

import dev.unmask.backend.Backend;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A building block of a model: named parameters, named buffers (state that is saved but not trained,
 * such as running statistics) and named child modules, in registration order. Names of nested entries
 * are dotted paths ({@code "blocks.0.conv.weight"}), the same as PyTorch's state_dict, so weights move
 * between the two unchanged.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under {@code name} and returns it. */
    protected final Parameter registerParameter(String name, Parameter parameter) {
        requireNewName(name);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Removes a parameter (used when a parametrisation such as weight normalisation replaces it). */
    protected final void removeParameter(String name) {
        if (parameters.remove(name) == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        }
    }

    /** Registers a buffer under {@code name} and returns it. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        requireNewName(name);
        buffers.put(name, value);
        return value;
    }

    /** The current value of a registered buffer. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'");
        }
        return t;
    }

    /** Replaces a registered buffer's value with a tensor of the same shape and dtype. */
    protected final void setBuffer(String name, Tensor value) {
        Tensor old = buffer(name);
        if (!old.shape().equals(value.shape()) || old.dtype() != value.dtype()) {
            throw new IllegalArgumentException("buffer '" + name + "' is " + old + ", cannot set it to " + value);
        }
        buffers.put(name, value);
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        requireNewName(name);
        children.put(name, module);
        return module;
    }

    private void requireNewName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid name '" + name + "': must be non-empty without dots");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " already has an entry '" + name + "'");
        }
    }

    /** Direct children, by name, in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every parameter of this module and its descendants, by dotted name. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, m) -> m.collectParameters(prefix + name + ".", out));
    }

    /** Every parameter, in the order of {@link #namedParameters()}. */
    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters and buffers by dotted name, in PyTorch's order (a module's own parameters, then its own
     * buffers, then its children). The tensors are the live values, not copies.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p.value()));
        buffers.forEach((name, b) -> out.put(prefix + name, b));
        children.forEach((name, m) -> m.collectState(prefix + name + ".", out));
    }

    /**
     * Copies every entry of {@code state} into the parameter or buffer of the same name (values moved to
     * this module's backend). Strict: fails without changing anything when an entry is missing,
     * unexpected, or of the wrong shape or dtype, listing every problem.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        Map<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        for (String name : own.keySet()) {
            if (!state.containsKey(name)) {
                problems.add("missing '" + name + "'");
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            if (mine == null) {
                problems.add("unexpected '" + e.getKey() + "'");
            } else if (!mine.shape().equals(e.getValue().shape()) || mine.dtype() != e.getValue().dtype()) {
                problems.add("'" + e.getKey() + "' is " + e.getValue().dtype() + " " + e.getValue().shape()
                        + ", expected " + mine.dtype() + " " + mine.shape());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": "
                    + String.join("; ", problems));
        }
        loadState("", state);
    }

    private void loadState(String prefix, Map<String, Tensor> state) {
        parameters.forEach((name, p) -> Backend.of(p.value()).copyInto(p.value(), state.get(prefix + name).to(p.value().device())));
        buffers.replaceAll((name, b) -> state.get(prefix + name).to(b.device()));
        children.forEach((name, m) -> m.loadState(prefix + name + ".", state));
    }

    /** Sets training mode on this module and its descendants (dropout active, batch statistics used). */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Sets evaluation mode on this module and its descendants. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean value) {
        training = value;
        children.values().forEach(m -> m.setTraining(value));
    }

    public final boolean isTraining() {
        return training;
    }

    /**
     * Re-keys every random layer (such as {@link Dropout}) of this module and its descendants: the module
     * visited {@code k}-th in depth-first registration order (this one is 0) gets the key
     * {@link Seeds#derive Seeds.derive(key, k)}, so after this call their random draws depend on
     * {@code key} and the model's structure only. A trainer calls it before every step with a value from
     * its checkpointed generator, which makes dropout masks resume bit for bit.
     */
    public final void reseed(long key) {
        reseedTree(key, new int[1]);
    }

    private void reseedTree(long key, int[] next) {
        reseedSelf(Seeds.derive(key, next[0]++));
        children.values().forEach(m -> m.reseedTree(key, next));
    }

    /** Takes this module's own key from {@link #reseed(long)}; modules without randomness ignore it. */
    protected void reseedSelf(long key) {
    }

    /** Forgets the accumulated gradients of every parameter. */
    public final void zeroGrad() {
        parameters().forEach(Parameter::zeroGrad);
    }
}
