package dev.unmask.archfixture.backend;

import dev.unmask.archfixture.backend.cpu.CpuBackend;

/** The run-time choice: allowed to use the implementations. */
public final class Backends {
    private Backends() {
    }

    public static Backend defaultBackend() {
        return new CpuBackend();
    }
}
