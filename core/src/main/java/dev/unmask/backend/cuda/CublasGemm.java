package dev.unmask.backend.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;

/**
 * cuBLAS's {@code cublasSgemmStridedBatched} through JCublas 12.6.0 ({@code org.jcuda:jcublas}), on the
 * device memory of a {@link JCudaRuntime}. The only class that references {@code jcuda.jcublas}; reached
 * by name from {@link GemmAccelerators} after the driver probe succeeded.
 *
 * <p>Pointers: cuBLAS takes runtime-API device pointers ({@link Pointer}); the runtime's driver-API
 * {@code CUdeviceptr} extends {@code Pointer} and names an address in the same (primary) context, so it
 * is passed as is. Ordering: the handle works on the legacy default stream, like the runtime's launches
 * and copies, so no extra synchronisation is needed. Math mode stays cuBLAS's default (no TF32), so
 * results are float GEMMs like our kernel's.
 *
 * <p>Layout: cuBLAS is column-major, and a row-major [r, c] matrix read column-major is its transpose
 * [c, r]. So the row-major product {@code C = op(A) op(B)} is computed as the column-major product
 * {@code C^T = op(B)^T op(A)^T}: B goes first, A second, cuBLAS's (m, n) are our (n, m), and each
 * operand keeps its own transpose flag with the leading dimension of its stored row length.
 */
final class CublasGemm implements GemmAccelerator {
    private final JCudaRuntime runtime;
    private final cublasHandle handle = new cublasHandle();
    private final Pointer one = Pointer.to(new float[] {1f});
    private final Pointer zero = Pointer.to(new float[] {0f});
    private boolean closed;

    private CublasGemm(JCudaRuntime runtime) {
        this.runtime = runtime;
        runtime.makeCurrent();
        check(JCublas2.cublasCreate(handle), "cublasCreate");
    }

    /**
     * Loads JCublas's native library (it links {@code libcublas.so.12}), then creates a handle in the
     * runtime's context. Throws a {@link LinkageError} when the library does not load, a
     * {@link DeviceException} when the runtime is not JCuda's or cuBLAS cannot start.
     */
    public static GemmAccelerator open(DeviceRuntime runtime) {
        JCublas2.initialize();
        if (!(runtime instanceof JCudaRuntime jcuda)) {
            throw new DeviceException("cuBLAS needs the JCuda driver runtime, not " + runtime.name());
        }
        return new CublasGemm(jcuda);
    }

    private static void check(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new DeviceException(call + " failed: " + cublasStatus.stringFor(status));
        }
    }

    @Override
    public String name() {
        return "cuBLAS 12 (JCublas2 cublasSgemmStridedBatched)";
    }

    @Override
    public void sgemmStridedBatched(long a, long b, long c, int m, int n, int k, boolean transposeA, boolean transposeB,
                                    long strideA, long strideB, long strideC, int batches) {
        if (m < 1 || n < 1 || k < 1 || batches < 1) {
            throw new IllegalArgumentException("sgemm needs m, n, k, batches >= 1, got " + m + ", " + n + ", " + k + ", " + batches);
        }
        runtime.makeCurrent();
        int opB = transposeB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opA = transposeA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int rowLengthB = transposeB ? k : n;  // B stored [k, n], or [n, k] when transposed
        int rowLengthA = transposeA ? m : k;  // A stored [m, k], or [k, m] when transposed
        check(JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k,
                one, runtime.pointer(b), rowLengthB, strideB,
                runtime.pointer(a), rowLengthA, strideA,
                zero, runtime.pointer(c), n, strideC, batches), "cublasSgemmStridedBatched");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            runtime.makeCurrent();
            check(JCublas2.cublasDestroy(handle), "cublasDestroy");
        }
    }
}
