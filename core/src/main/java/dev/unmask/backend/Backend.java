package dev.unmask.backend;

import dev.unmask.ops.Op;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * A place where tensors live and ops run: the {@link Op} contract plus moving data in and out.
 * Implementations: {@code cpu.ReferenceBackend} (plain loops, the oracle), {@code cpu.CpuBackend}
 * (blocked, threaded, SIMD) and the CUDA backend.
 */
public interface Backend extends Op, AutoCloseable {
    /** Short name used in logs and on the command line ({@code cpu}, {@code cpu-reference}, {@code cuda}). */
    String name();

    /** A new F32 tensor holding a copy of {@code data}, which must have {@code shape.numel()} elements. */
    Tensor fromFloats(float[] data, Shape shape);

    /** A new I32 tensor holding a copy of {@code data}. */
    Tensor fromInts(int[] data, Shape shape);

    /** A copy of an F32 tensor's values. */
    float[] toFloats(Tensor x);

    /** A copy of an I32 tensor's values. */
    int[] toInts(Tensor x);

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
