package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import dev.unmask.backend.BackendConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared op suite against {@link CudaBackend} on the emulated runtime (the production kernels on the CPU). */
class CudaBackendConformanceTest extends BackendConformanceSuite {
    private static CudaBackend cuda;

    @BeforeAll
    static void start() {
        cuda = new CudaBackend(EmulatedRuntime.create());
    }

    @AfterAll
    static void stop() {
        if (cuda != null) {
            cuda.close();
        }
    }

    @Override
    protected Backend backend() {
        return cuda;
    }
}
