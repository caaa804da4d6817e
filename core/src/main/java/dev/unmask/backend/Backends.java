package dev.unmask.backend;

import dev.unmask.backend.cpu.CpuBackend;
import dev.unmask.backend.cpu.ReferenceBackend;
import dev.unmask.backend.cuda.CudaProbe;

import java.util.Locale;

/**
 * Chooses a backend at run time. The default is the fast CPU backend unless the system property
 * {@code unmask.backend} names another. A backend that cannot start (CUDA without a driver) is
 * replaced by the CPU backend with one logged line saying why.
 */
public final class Backends {
    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The process-wide default backend, created on first use. */
    public static Backend defaultBackend() {
        Backend b = defaultBackend;
        if (b == null) {
            synchronized (Backends.class) {
                if (defaultBackend == null) {
                    defaultBackend = create(System.getProperty("unmask.backend", "cpu"));
                }
                b = defaultBackend;
            }
        }
        return b;
    }

    /** Replaces the default backend (tests, applications that choose explicitly). */
    public static void setDefaultBackend(Backend backend) {
        defaultBackend = backend;
    }

    /**
     * A backend by name: {@code cpu}, {@code cpu-reference} or {@code cuda}. An unknown name is an error;
     * a known backend that cannot start gives the CPU backend and a logged reason.
     */
    public static Backend create(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend();
            case "cpu-reference" -> new ReferenceBackend();
            case "cuda" -> {
                Backend cuda = CudaProbe.tryCreate();  // logs the reason once when CUDA cannot start
                yield cuda != null ? cuda : new CpuBackend();
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (known: cpu, cpu-reference, cuda)");
        };
    }
}
