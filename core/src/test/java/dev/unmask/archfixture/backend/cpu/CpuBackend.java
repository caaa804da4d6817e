package dev.unmask.archfixture.backend.cpu;

import dev.unmask.archfixture.backend.Backend;
import dev.unmask.archfixture.tensor.Tensor;

/** An implementation: allowed to use the contract and tensors. */
public final class CpuBackend implements Backend {
    @Override
    public Tensor make() {
        return Tensor.of();
    }
}
