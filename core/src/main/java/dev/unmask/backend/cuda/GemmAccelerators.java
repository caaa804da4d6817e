package dev.unmask.backend.cuda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;

/**
 * Loads the optional {@link GemmAccelerator} (cuBLAS through JCublas 12.6.0) for a runtime, or says why
 * there is none; never throws. {@code CublasGemm}, the only class that references {@code jcuda.jcublas},
 * is reached by name and only when
 * <ol>
 *   <li>the system property {@value #PROPERTY} is not {@code false} (read when a backend is created),</li>
 *   <li>the runtime is the JCuda driver runtime, which exists only after the driver probe succeeded
 *       (so without a driver, and on the emulated runtime, no JCublas class is loaded), and</li>
 *   <li>JCublas's native library loads: it links {@code libcublas.so.12}, which CUDA 13 machines lack.
 *       That failure is a caught {@link LinkageError} (or JCuda exception), logged once per backend.</li>
 * </ol>
 * cuDNN is not offered: see the package documentation.
 */
public final class GemmAccelerators {
    /** System property that turns cuBLAS off ({@code -Dunmask.cuda.cublas=false}); default on. */
    public static final String PROPERTY = "unmask.cuda.cublas";
    private static final Logger LOG = LoggerFactory.getLogger(GemmAccelerators.class);
    private static final String JCUDA_RUNTIME_CLASS = "dev.unmask.backend.cuda.JCudaRuntime";
    private static final String CUBLAS_CLASS = "dev.unmask.backend.cuda.CublasGemm";

    /**
     * Outcome of {@link #load}.
     *
     * @param accelerator the loaded accelerator, or null
     * @param reason      why there is none ("" when loaded)
     */
    public record Result(GemmAccelerator accelerator, String reason) {
        public boolean available() {
            return accelerator != null;
        }

        static Result absent(String reason) {
            return new Result(null, reason);
        }
    }

    private GemmAccelerators() {
    }

    /** cuBLAS for {@code runtime}, or the reason it is absent. */
    public static Result load(DeviceRuntime runtime) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return Result.absent("cuBLAS disabled by -D" + PROPERTY + "=false");
        }
        // by name, so that no JCuda class loads on a runtime that is not JCuda's
        if (!runtime.getClass().getName().equals(JCUDA_RUNTIME_CLASS)) {
            return Result.absent("cuBLAS needs the CUDA driver runtime (a working NVIDIA driver), not " + runtime.name());
        }
        Result result = loadCublas(runtime);
        if (result.available()) {
            LOG.info("matmul uses {}", result.accelerator().name());
        } else {
            LOG.info("cuBLAS unavailable, matmul uses our sgemm kernel: {}", result.reason());
        }
        return result;
    }

    /** Loads {@code CublasGemm} by name for {@code runtime}; package-private so a test can watch it fail here. */
    static Result loadCublas(DeviceRuntime runtime) {
        try {
            Object gemm = Class.forName(CUBLAS_CLASS).getMethod("open", DeviceRuntime.class).invoke(null, runtime);
            return new Result((GemmAccelerator) gemm, "");
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error error && !(error instanceof LinkageError)) {
                throw error;
            }
            return Result.absent(describe(cause));
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            return Result.absent(describe(e));
        }
    }

    private static String describe(Throwable failure) {
        Throwable e = failure;
        while (e instanceof ExceptionInInitializerError && e.getCause() != null) {
            e = e.getCause();  // JCublas2's static initialiser loads the native library
        }
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        String hint = e instanceof LinkageError
                ? " (JCublas 12.6.0 needs libcublas.so.12 from CUDA 12, and the jcublas jar with its natives)" : "";
        return e.getClass().getSimpleName() + ": " + message + hint;
    }
}
