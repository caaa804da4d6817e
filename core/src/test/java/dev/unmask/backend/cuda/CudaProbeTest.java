package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class CudaProbeTest {

    @Test
    void askingForCudaNeverThrowsAndNamesTheBackendItGave() {
        try (Backend backend = Backends.create("cuda")) {
            assertEquals(CudaProbe.result().available() ? "cuda" : "cpu", backend.name());
        }
    }

    @Test
    void withoutADriverTheCpuBackendComesBackWithTheReason() {
        CudaProbe.Result probe = CudaProbe.result();
        assumeFalse(probe.available(), "this machine has a working CUDA driver");
        try (Backend backend = Backends.create("cuda")) {
            assertInstanceOf(CpuBackend.class, backend);
        }
        assertTrue(probe.cause() instanceof LinkageError || probe.cause() instanceof DeviceException,
                "unexpected failure " + probe.cause());
        assertTrue(probe.reason().startsWith(probe.cause().getClass().getSimpleName() + ": "), probe.reason());
        assertFalse(probe.reason().isBlank());
    }

    @Test
    void theProbeRunsOnce() {
        assertSame(CudaProbe.result(), CudaProbe.result());
    }
}
