package dev.unmask.archfixture.models;

import dev.unmask.archfixture.backend.Backend;
import dev.unmask.archfixture.backend.cpu.CpuBackend;

/** Planted: a model that creates a backend implementation itself. */
public final class Model {
    public Backend backend() {
        return new CpuBackend();
    }
}
