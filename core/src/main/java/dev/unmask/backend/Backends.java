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

    /**
     * The process-wide default backend, created on first use. Only the layers that choose where work runs
     * (the api, detectors, training) ask for it; modules are built on the backend they are given.
     */
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

    /** Replaces the process-wide default backend (tests, applications that choose explicitly). */
    public static void setDefaultBackend(Backend backend) {
        defaultBackend = backend;
    }

    /**
     * The backend of that name, refusing to fall back: {@code cpu}, {@code cpu-reference}, {@code cuda}, or
     * {@code auto} ({@link #create}{@code ("cuda")}: CUDA where it starts, else the CPU backend with a logged
     * reason).
     *
     * @throws IllegalStateException when {@code cuda} cannot start (the message says why)
     * @throws IllegalArgumentException for an unknown name
     */
    public static Backend require(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("auto")) {
            return create("cuda");
        }
        if (key.equals("cuda")) {
            Backend cuda = CudaProbe.tryCreate();
            if (cuda == null) {
                throw new IllegalStateException("the CUDA backend cannot start: " + CudaProbe.result().reason()
                        + " (use --backend auto to fall back to the CPU)");
            }
            return cuda;
        }
        return create(key);
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
            default -> throw new IllegalArgumentException("unknown backend '" + name + "' (known: auto, cpu, cpu-reference, cuda)");
        };
    }
}
