package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;

/**
 * Decides once per process whether the CUDA backend can start, without touching JCuda on the CPU path:
 * {@link JCudaRuntime} (the only class that references JCuda's driver API) is loaded by name, so a missing JCuda jar,
 * native library or NVIDIA driver surfaces here as a caught {@link LinkageError} or
 * {@link DeviceException}. The first failure is logged once, with its reason.
 */
public final class CudaProbe {
    private static final Logger LOG = LoggerFactory.getLogger(CudaProbe.class);
    private static final String RUNTIME_CLASS = "dev.unmask.backend.cuda.JCudaRuntime";

    /**
     * Outcome of the probe.
     *
     * @param available whether a device runtime opened
     * @param reason    why it did not ("" when available)
     * @param cause     the caught error, or null
     */
    public record Result(boolean available, String reason, Throwable cause) {
    }

    private static Result result;

    private CudaProbe() {
    }

    /** The probe's outcome; the first call opens (and closes) a runtime, later calls reuse the answer. */
    public static synchronized Result result() {
        if (result == null) {
            try {
                openRuntime().close();
                result = new Result(true, "", null);
            } catch (LinkageError | RuntimeException e) {
                result = new Result(false, describe(e), e);
                LOG.warn("CUDA backend unavailable, using the CPU backend: {}", result.reason());
            }
        }
        return result;
    }

    /** A CUDA backend on device 0, or null (after one logged line per process) when CUDA cannot start. */
    public static Backend tryCreate() {
        if (!result().available()) {
            return null;
        }
        return new CudaBackend(openRuntime());
    }

    private static DeviceRuntime openRuntime() {
        try {
            return (DeviceRuntime) Class.forName(RUNTIME_CLASS).getMethod("open").invoke(null);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LinkageError l) {
                throw l;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new DeviceException("opening the CUDA runtime failed", cause);
        } catch (ReflectiveOperationException e) {
            throw new DeviceException("the CUDA runtime class cannot be loaded", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        String hint = e instanceof LinkageError ? " (no NVIDIA driver (libcuda.so.1) or no JCuda natives for this platform?)" : "";
        return e.getClass().getSimpleName() + ": " + message + hint;
    }
}
