package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.backend.BackendConformanceSuite;

/** The op conformance suite on the fast CPU backend. */
class CpuBackendConformanceTest extends BackendConformanceSuite {
    private final CpuBackend cpu = new CpuBackend();

    @Override
    protected Backend backend() {
        return cpu;
    }
}
