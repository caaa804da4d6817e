package dev.unmask.nn;

import dev.unmask.tensor.Shape;

/**
 * A limit on what the modules built on this thread may allocate, for building a model from a configuration
 * that is not trusted yet. A loader knows how many tensors and values a model bundle stores; a
 * configuration asking for more cannot match the bundle, so construction stops with an exception before
 * the allocation that would exceed the limit instead of exhausting the heap:
 * <pre>{@code
 * SafetensorsContent stored = bundle.content();
 * try (ParameterBudget budget = ParameterBudget.forStored(stored.elementCount(), stored.tensors().size())) {
 *     model = new VqVae(config, rng);
 * }
 * }</pre>
 * Layers count every tensor they initialise ({@link #charge}) before allocating it, as its values plus
 * {@link #TENSOR_OVERHEAD} for the objects that hold it, so a configuration of a million one-value layers
 * is stopped as surely as one huge layer; outside a scope nothing is counted. Scopes are thread-local and
 * nest (the innermost one counts).
 */
public final class ParameterBudget implements AutoCloseable {
    /**
     * Values a model may allocate beyond what its bundle stores, 256 Ki (1 MiB of floats): a bundle missing a
     * few tensors, or with a few of the wrong shape, is still built, so that loading its state names every
     * missing and mismatched tensor; a configuration asking for far more is stopped.
     */
    public static final long MISMATCH_ALLOWANCE = 1L << 18;

    /**
     * What one tensor costs beyond its values, in values: about the 256 bytes of the tensor, storage,
     * parameter and module-map objects around a small array.
     */
    public static final long TENSOR_OVERHEAD = 64;

    private static final ThreadLocal<ParameterBudget> CURRENT = new ThreadLocal<>();

    private final long limit;
    private final ParameterBudget previous;
    private long used;
    private boolean closed;

    private ParameterBudget(long limit, ParameterBudget previous) {
        this.limit = limit;
        this.previous = previous;
    }

    /**
     * Opens a scope on the current thread allowing {@code values} in all ({@link #charge}: a tensor's values
     * plus {@link #TENSOR_OVERHEAD}); close it on the same thread.
     *
     * @throws IllegalArgumentException when {@code values} is negative
     */
    public static ParameterBudget limit(long values) {
        if (values < 0) {
            throw new IllegalArgumentException("a parameter budget must not be negative, got " + values);
        }
        ParameterBudget budget = new ParameterBudget(values, CURRENT.get());
        CURRENT.set(budget);
        return budget;
    }

    /**
     * The scope for building a model whose stored state is {@code storedTensors} tensors of
     * {@code storedValues} values in all: a limit of what those cost ({@link #charge}) plus
     * {@link #MISMATCH_ALLOWANCE}.
     */
    public static ParameterBudget forStored(long storedValues, long storedTensors) {
        return limit(storedValues + TENSOR_OVERHEAD * storedTensors + MISMATCH_ALLOWANCE);
    }

    /**
     * Counts a tensor of {@code shape} ({@code shape.numel() + TENSOR_OVERHEAD}) against the current scope, if
     * any, before it is allocated.
     *
     * @throws IllegalArgumentException when the scope's limit would be exceeded
     */
    public static void charge(Shape shape) {
        ParameterBudget budget = CURRENT.get();
        if (budget == null) {
            return;
        }
        long cost = shape.numel() + TENSOR_OVERHEAD;
        if (cost > budget.limit - budget.used) {
            throw new IllegalArgumentException("building the model needs more than the " + budget.limit
                    + " parameter values allowed (stopped before allocating a " + shape + " tensor after "
                    + budget.used + ")");
        }
        budget.used += cost;
    }

    /** Values counted so far in this scope. */
    public long used() {
        return used;
    }

    /** Leaves the scope, restoring the enclosing one; closing twice is safe. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
