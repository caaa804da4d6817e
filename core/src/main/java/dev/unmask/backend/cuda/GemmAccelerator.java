package dev.unmask.backend.cuda;

/**
 * A vendor library that multiplies matrices in device memory faster than our {@code sgemm_batched}
 * kernel. Optional: {@link GemmAccelerators#load} returns one only when its native library loads, and
 * {@link CudaBackend#matmul} falls back to our kernel without one. Pointers are handles of the
 * {@link DeviceRuntime} the accelerator was loaded for.
 */
public interface GemmAccelerator extends AutoCloseable {

    /** Short description for logs ("cuBLAS 12 (JCublas2)"). */
    String name();

    /**
     * Row-major, for each batch {@code i < batches}:
     * {@code C_i = op(A_i) op(B_i)}, where {@code op(X) = X^T} when its flag is set,
     * {@code A_i = a + i * strideA} ([m, k], or [k, m] when {@code transposeA}),
     * {@code B_i = b + i * strideB} ([k, n], or [n, k] when {@code transposeB}) and
     * {@code C_i = c + i * strideC} ([m, n]); strides count floats, 0 reuses one matrix for every batch.
     * Overwrites every element of {@code c}'s {@code batches} matrices, reads nothing else of it.
     * Requires {@code m, n, k, batches >= 1}. Asynchronous, ordered with the runtime's launches.
     */
    void sgemmStridedBatched(long a, long b, long c, int m, int n, int k, boolean transposeA, boolean transposeB,
                             long strideA, long strideB, long strideC, int batches);

    /** Releases the library's handle; call before the runtime closes. Closing twice is safe. */
    @Override
    void close();
}
