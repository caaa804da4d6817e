package dev.unmask.backend.cpu.kernels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the {@link FloatKernels} implementation once per process: the Vector API one when the module
 * {@code jdk.incubator.vector} is loaded (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}), the scalar one otherwise, with one logged line saying how
 * to get the fast one. The Vector API class is loaded by name, so the CPU path never fails to link
 * when the module is missing.
 */
public final class KernelProvider {
    private static final Logger LOG = LoggerFactory.getLogger(KernelProvider.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNELS = "dev.unmask.backend.cpu.kernels.VectorFloatKernels";
    private static final FloatKernels KERNELS = choose();

    private KernelProvider() {
    }

    /** The kernels this process uses. */
    public static FloatKernels kernels() {
        return KERNELS;
    }

    /** The Vector API kernels, or null when the module is absent (for tests that compare both). */
    public static FloatKernels vectorKernelsOrNull() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return null;
        }
        try {
            var constructor = Class.forName(VECTOR_KERNELS).getDeclaredConstructor();
            constructor.setAccessible(true);
            return (FloatKernels) constructor.newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.warn("Vector API kernels failed to load ({}); using scalar kernels", e.toString());
            return null;
        }
    }

    private static FloatKernels choose() {
        FloatKernels vector = vectorKernelsOrNull();
        if (vector != null) {
            return vector;
        }
        LOG.info("Using scalar CPU kernels; pass --add-modules {} for SIMD kernels", VECTOR_MODULE);
        return new ScalarFloatKernels();
    }
}
