package dev.unmask.tensor;

import dev.unmask.backend.Backend;

/**
 * A flat, contiguous block of elements owned by one backend (a Java array on the CPU, device memory on
 * a GPU). Tensors are views of a storage with a shape; reshapes share it.
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int size();

    Backend backend();
}
