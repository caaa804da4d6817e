package dev.unmask.autograd;

/**
 * A scope in which no graph is recorded: results of operations are constants, whatever their inputs.
 * Thread-local and nestable:
 * <pre>{@code
 * try (var scope = NoGrad.enter()) {
 *     Variable y = model.forward(x); // y.requiresGrad() is false
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
    }

    /** Opens a scope on the current thread; close it (try-with-resources) on the same thread. */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Whether the current thread is inside at least one open scope. */
    public static boolean isActive() {
        return DEPTH.get()[0] > 0;
    }

    /** Leaves the scope; closing twice is safe. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
