package dev.unmask.archfixture.tensor;

import dev.unmask.archfixture.backend.Backend;
import dev.unmask.archfixture.backend.Backends;

/** Planted: a tensor that reaches for the global backend and returns the Backend contract. */
public final class Tensor {
    public static Tensor of() {
        return Backends.defaultBackend().make();
    }

    public Backend backend() {
        return Backends.defaultBackend();
    }
}
