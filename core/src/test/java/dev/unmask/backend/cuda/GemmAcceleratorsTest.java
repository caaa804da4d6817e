package dev.unmask.backend.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The optional cuBLAS accelerator is absent here (no driver, no {@code libcublas.so.12}): every way of
 * asking says so with a reason, nothing throws, and the CPU path never loads a {@code jcuda.jcublas} class.
 */
class GemmAcceleratorsTest {
    private static final String STUB_NAME = "stub runtime";

    /** A runtime that is not JCuda's: only its name answers. */
    private static DeviceRuntime stubRuntime(ClassLoader loader, Class<?> runtimeInterface) {
        return (DeviceRuntime) Proxy.newProxyInstance(loader, new Class<?>[] {runtimeInterface}, (proxy, method, args) -> {
            if (method.getName().equals("name")) {
                return STUB_NAME;
            }
            throw new UnsupportedOperationException(method.getName());
        });
    }

    private static DeviceRuntime stubRuntime() {
        return stubRuntime(DeviceRuntime.class.getClassLoader(), DeviceRuntime.class);
    }

    @Test
    void aRuntimeOtherThanJCudasGetsNoAcceleratorAndSaysWhy() {
        GemmAccelerators.Result result = GemmAccelerators.load(stubRuntime());
        assertFalse(result.available());
        assertTrue(result.reason().contains(STUB_NAME), result.reason());
    }

    @Test
    void thePropertyTurnsCublasOff() {
        String before = System.getProperty(GemmAccelerators.PROPERTY);
        System.setProperty(GemmAccelerators.PROPERTY, "false");
        try {
            GemmAccelerators.Result result = GemmAccelerators.load(stubRuntime());
            assertFalse(result.available());
            assertTrue(result.reason().contains("disabled"), result.reason());
        } finally {
            if (before == null) {
                System.clearProperty(GemmAccelerators.PROPERTY);
            } else {
                System.setProperty(GemmAccelerators.PROPERTY, before);
            }
        }
    }

    /**
     * Goes past the runtime check to the JCublas load itself, which fails here on the missing
     * {@code libcublas.so.12} (or, where CUDA 12's libraries exist, on the stub not being JCuda's runtime):
     * either way a reason, not an exception.
     */
    @Test
    void aFailingCublasLoadIsAReasonNotAnException() {
        GemmAccelerators.Result result = GemmAccelerators.loadCublas(stubRuntime());
        assertFalse(result.available());
        // the failure comes from inside CublasGemm.open (the native load, or JCublas2's failed initialiser on
        // a second try, or the runtime check), not from reaching it by reflection
        assertTrue(result.reason().startsWith("UnsatisfiedLinkError: ")
                || result.reason().startsWith("NoClassDefFoundError: Could not initialize class jcuda.jcublas.")
                || result.reason().startsWith("DeviceException: cuBLAS needs the JCuda driver runtime"), result.reason());
    }

    /**
     * Runs the CPU path in a class loader that defines Unmask's classes itself (fresh statics, so the
     * probe runs again) and records every class those classes ask for.
     */
    @Test
    void theCpuPathNeverLoadsJCublas() throws Exception {
        assumeFalse(CudaProbe.result().available(), "this machine has a CUDA driver: the CUDA backend may load cuBLAS");
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        Class<?> backends = loader.loadClass("dev.unmask.backend.Backends");
        try (AutoCloseable backend = (AutoCloseable) backends.getMethod("create", String.class).invoke(null, "cuda")) {
            assertEquals("cpu", backend.getClass().getMethod("name").invoke(backend));
        }
        Class<?> runtimeInterface = loader.loadClass("dev.unmask.backend.cuda.DeviceRuntime");
        Object stub = Proxy.newProxyInstance(loader, new Class<?>[] {runtimeInterface}, (proxy, method, args) -> STUB_NAME);
        Object result = loader.loadClass("dev.unmask.backend.cuda.GemmAccelerators")
                .getMethod("load", runtimeInterface).invoke(null, stub);
        assertEquals(false, result.getClass().getMethod("available").invoke(result));

        // the recorder sees what the probe tried (the driver runtime and JCuda's driver classes)...
        assertTrue(loader.requested.contains("dev.unmask.backend.cuda.JCudaRuntime"), loader.requested::toString);
        assertTrue(loader.requested.stream().anyMatch(n -> n.startsWith("jcuda.")), loader.requested::toString);
        // ...and nothing of cuBLAS
        assertFalse(loader.requested.contains("dev.unmask.backend.cuda.CublasGemm"), loader.requested::toString);
        assertFalse(loader.requested.stream().anyMatch(n -> n.startsWith("jcuda.jcublas.")), loader.requested::toString);
    }

    /** Defines {@code dev.unmask} classes from the parent's class files and records every name asked of it. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            if (!name.startsWith("dev.unmask.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
