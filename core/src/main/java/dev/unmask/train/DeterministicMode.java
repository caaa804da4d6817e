package dev.unmask.train;

import dev.unmask.backend.Backends;
import dev.unmask.nn.Module;
import dev.unmask.nn.Parameter;

/**
 * Bit-exact, repeatable training: one thread and the reference CPU backend, whose kernels sum in a fixed
 * order. Under it, training N steps straight and training N/2 steps, checkpointing, resuming in another
 * process and training N/2 more give identical bits. (The fast CPU backend is repeatable too, and its results
 * do not depend on the thread count, but they depend on the machine's vector width; the reference's do not.)
 */
public final class DeterministicMode {
    /** The system property CPU kernels read for their thread count. */
    public static final String THREADS_PROPERTY = "unmask.threads";
    /** The name of the backend whose results do not depend on threading or blocking. */
    public static final String REFERENCE_BACKEND = "cpu-reference";

    private DeterministicMode() {
    }

    /**
     * Sets {@value #THREADS_PROPERTY} to 1 and makes the reference backend the default. Call it before
     * building models: tensors made earlier stay on the backend they were made on.
     */
    public static void enable() {
        System.setProperty(THREADS_PROPERTY, "1");
        Backends.setDefaultBackend(Backends.create(REFERENCE_BACKEND));
    }

    /**
     * Fails unless every parameter of {@code model} lives on the reference backend and
     * {@value #THREADS_PROPERTY} is 1.
     *
     * @throws IllegalStateException naming the first offending parameter or the property's value
     */
    public static void require(Module model) {
        String threads = System.getProperty(THREADS_PROPERTY);
        if (!"1".equals(threads)) {
            throw new IllegalStateException("deterministic training needs -D" + THREADS_PROPERTY + "=1 (it is "
                    + threads + "); call DeterministicMode.enable() before building the model");
        }
        for (var e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!REFERENCE_BACKEND.equals(p.value().device().name())) {
                throw new IllegalStateException("deterministic training needs the " + REFERENCE_BACKEND
                        + " backend, parameter '" + e.getKey() + "' is on " + p.value().device().name()
                        + "; call DeterministicMode.enable() before building the model");
            }
        }
    }
}
