package dev.unmask.archfixture.backend;

import dev.unmask.archfixture.tensor.Tensor;

/** The backend contract: allowed to use tensors. */
public interface Backend {
    Tensor make();
}
