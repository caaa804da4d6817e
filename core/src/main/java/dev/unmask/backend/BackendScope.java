package dev.unmask.backend;

/**
 * Memory owned by one piece of work: tensors a backend creates on this thread while the scope is open are freed
 * when it closes (device memory on CUDA; nothing to do on the CPU, where the garbage collector owns memory).
 * Use try-with-resources; closing twice is safe.
 */
public interface BackendScope extends AutoCloseable {
    /** A scope that owns nothing (the CPU backends'). */
    BackendScope NONE = () -> {
    };

    @Override
    void close();
}
