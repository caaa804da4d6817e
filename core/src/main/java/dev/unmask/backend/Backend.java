package dev.unmask.backend;

import dev.unmask.ops.Op;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Device;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * A place where tensors live and ops run: a {@link Device} (moving data in and out) plus the {@link Op}
 * contract and allocation. Implementations: {@code cpu.ReferenceBackend} (plain loops, the oracle),
 * {@code cpu.CpuBackend} (blocked, threaded, SIMD) and the CUDA backend.
 *
 * <p>Code below the backend choice (autograd, nn, optim, models) never picks a backend: it runs ops on the
 * backend of the tensors it is given ({@link #of(Tensor)}) or on the one it was built with.
 */
public interface Backend extends Device, Op, AutoCloseable {
    /**
     * The backend {@code x} lives on, to run ops on it.
     *
     * @throws IllegalArgumentException when the tensor's device is not a backend (a storage made outside
     *     the backends, which can hold values but run no ops)
     */
    static Backend of(Tensor x) {
        if (x.device() instanceof Backend backend) {
            return backend;
        }
        throw new IllegalArgumentException("tensor " + x + " lives on a device that is not a backend ("
                + x.device().getClass().getName() + "): it cannot run ops");
    }

    /** A new tensor with every element equal to {@code value}. */
    Tensor full(Shape shape, DType dtype, float value);

    /** Overwrites {@code destination}'s values with {@code source}'s (same shape and dtype); in place. */
    void copyInto(Tensor destination, Tensor source);

    /**
     * Opens a scope on this thread: tensors this backend creates on this thread until it closes belong to it and
     * are freed by its {@code close()} (on the same thread). A no-op on backends whose memory the garbage
     * collector owns.
     */
    default BackendScope openScope() {
        return BackendScope.NONE;
    }

    /** Releases what the backend holds (threads, device memory). Closing twice is safe. */
    @Override
    default void close() {
    }
}
