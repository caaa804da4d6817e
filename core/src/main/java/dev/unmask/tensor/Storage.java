package dev.unmask.tensor;

/**
 * A flat, contiguous block of elements owned by one device (a Java array on the CPU, device memory on
 * a GPU). Tensors are views of a storage with a shape; reshapes share it.
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int size();

    /** The device that made this storage and reads its values. */
    Device device();
}
