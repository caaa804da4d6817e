package dev.unmask.backend.cpu;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Device;
import dev.unmask.tensor.Storage;
import dev.unmask.tensor.Tensor;

/** Storage on the Java heap: a float[] for F32 or an int[] for I32, used as is by the CPU kernels. */
public final class CpuStorage implements Storage {
    private final Backend backend;
    private final float[] floats;
    private final int[] ints;

    private CpuStorage(Backend backend, float[] floats, int[] ints) {
        this.backend = backend;
        this.floats = floats;
        this.ints = ints;
    }

    static CpuStorage ofFloats(Backend backend, float[] data) {
        return new CpuStorage(backend, data, null);
    }

    static CpuStorage ofInts(Backend backend, int[] data) {
        return new CpuStorage(backend, null, data);
    }

    @Override
    public DType dtype() {
        return floats != null ? DType.F32 : DType.I32;
    }

    @Override
    public int size() {
        return floats != null ? floats.length : ints.length;
    }

    @Override
    public Device device() {
        return backend;
    }

    /** The live array behind an F32 CPU tensor (not a copy): kernels read and write it directly. */
    public static float[] floats(Tensor x) {
        CpuStorage s = of(x);
        if (s.floats == null) {
            throw new IllegalArgumentException("expected an F32 tensor, got " + x);
        }
        return s.floats;
    }

    /** The live array behind an I32 CPU tensor (not a copy). */
    public static int[] ints(Tensor x) {
        CpuStorage s = of(x);
        if (s.ints == null) {
            throw new IllegalArgumentException("expected an I32 tensor, got " + x);
        }
        return s.ints;
    }

    private static CpuStorage of(Tensor x) {
        if (!(x.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("tensor lives on " + x.device().name() + ", not on a CPU backend");
        }
        return s;
    }
}
