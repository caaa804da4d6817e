package dev.unmask.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link DeviceRuntime} on the CUDA driver API through JCuda ({@code org.jcuda:jcuda} 12.6.0), on
 * device 0's primary context, with the kernels of the packaged fatbin {@value #FATBIN} (from the
 * {@code unmask-cuda-kernels} jar). Every failing driver call is a {@link DeviceException} naming the
 * call and its {@code CUresult}.
 *
 * <p>This is the only class that references JCuda's driver API ({@link CublasGemm}, loaded after it,
 * references JCublas). Nothing on the CPU path loads it: {@link CudaProbe}
 * reaches it by reflection after checking nothing else, so a missing driver or JCuda jar is a caught
 * {@link LinkageError} there.
 */
public final class JCudaRuntime implements DeviceRuntime {
    /** Classpath resource holding the compiled kernels. */
    public static final String FATBIN = "dev/unmask/cuda/unmask_kernels.fatbin";

    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUmodule module = new CUmodule();
    private final String deviceName;
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    // handles stand for device pointers, whose raw address JCuda does not expose
    private final Map<Long, CUdeviceptr> pointers = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private boolean closed;

    private JCudaRuntime() {
        check(JCudaDriver.cuInit(0), "cuInit");
        check(JCudaDriver.cuDeviceGet(device, 0), "cuDeviceGet(0)");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        deviceName = new String(name, 0, length, StandardCharsets.US_ASCII);
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        check(JCudaDriver.cuModuleLoadData(module, readFatbin()), "cuModuleLoadData(" + FATBIN + ")");
    }

    /** Opens device 0 and loads the kernels; called by {@link CudaProbe} through reflection. */
    public static DeviceRuntime open() {
        return new JCudaRuntime();
    }

    private static byte[] readFatbin() {
        try (InputStream in = JCudaRuntime.class.getClassLoader().getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new DeviceException("kernel image " + FATBIN + " is not on the classpath (add the unmask-cuda-kernels jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DeviceException("cannot read kernel image " + FATBIN, e);
        }
    }

    private static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw new DeviceException(call + " failed: " + CUresult.stringFor(result));
        }
    }

    /** The driver's current context is per thread; the backend (and cuBLAS) may be called from any thread. */
    void makeCurrent() {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** The device pointer behind {@code handle} (package-private for {@link CublasGemm}). */
    CUdeviceptr pointer(long handle) {
        CUdeviceptr p = pointers.get(handle);
        if (p == null) {
            throw new DeviceException("unknown or freed device pointer handle " + handle);
        }
        return p;
    }

    @Override
    public String name() {
        return "JCuda driver API on " + deviceName;
    }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        check(JCudaDriver.cuMemAlloc(p, bytes), "cuMemAlloc(" + bytes + " bytes)");
        long handle = nextHandle.getAndIncrement();
        pointers.put(handle, p);
        return handle;
    }

    @Override
    public void free(long handle) {
        CUdeviceptr p = pointers.remove(handle);
        if (p == null) {
            throw new DeviceException("free of unknown or already freed device pointer handle " + handle);
        }
        makeCurrent();
        check(JCudaDriver.cuMemFree(p), "cuMemFree");
    }

    @Override
    public void copyToDevice(long destination, float[] source) {
        makeCurrent();
        check(JCudaDriver.cuMemcpyHtoD(pointer(destination), Pointer.to(source), 4L * source.length), "cuMemcpyHtoD");
    }

    @Override
    public void copyToDevice(long destination, int[] source) {
        makeCurrent();
        check(JCudaDriver.cuMemcpyHtoD(pointer(destination), Pointer.to(source), 4L * source.length), "cuMemcpyHtoD");
    }

    @Override
    public void copyToHost(long source, float[] destination) {
        makeCurrent();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(destination), pointer(source), 4L * destination.length), "cuMemcpyDtoH");
    }

    @Override
    public void copyToHost(long source, int[] destination) {
        makeCurrent();
        check(JCudaDriver.cuMemcpyDtoH(Pointer.to(destination), pointer(source), 4L * destination.length), "cuMemcpyDtoH");
    }

    @Override
    public void copyDeviceToDevice(long destination, long source, long bytes) {
        makeCurrent();
        check(JCudaDriver.cuMemcpyDtoD(pointer(destination), pointer(source), bytes), "cuMemcpyDtoD");
    }

    @Override
    public void zero(long handle, long bytes) {
        makeCurrent();
        check(JCudaDriver.cuMemsetD8(pointer(handle), (byte) 0, bytes), "cuMemsetD8");
    }

    private CUfunction function(String kernel) {
        return functions.computeIfAbsent(kernel, k -> {
            CUfunction f = new CUfunction();
            check(JCudaDriver.cuModuleGetFunction(f, module, k), "cuModuleGetFunction(" + k + ")");
            return f;
        });
    }

    @Override
    public void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args) {
        makeCurrent();
        List<KernelArgs.Arg> list = args.list();
        Pointer[] values = new Pointer[list.size()];
        for (int i = 0; i < values.length; i++) {
            KernelArgs.Arg a = list.get(i);
            values[i] = switch (a.kind()) {
                case POINTER -> a.value() == 0 ? Pointer.to(new long[] {0})
                        : Pointer.to(pointer(a.value()).withByteOffset(a.byteOffset()));
                case LONG -> Pointer.to(new long[] {a.value()});
                case INT -> Pointer.to(new int[] {(int) a.value()});
                case FLOAT -> Pointer.to(new float[] {Float.intBitsToFloat((int) a.value())});
                case STRUCT -> Pointer.to(a.structBytes());
            };
        }
        check(JCudaDriver.cuLaunchKernel(function(kernel), grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                sharedBytes, null, Pointer.to(values), null), "cuLaunchKernel(" + kernel + ", " + args + ")");
    }

    @Override
    public void synchronize() {
        makeCurrent();
        check(JCudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        makeCurrent();
        for (CUdeviceptr p : pointers.values()) {
            JCudaDriver.cuMemFree(p);
        }
        pointers.clear();
        functions.clear();
        check(JCudaDriver.cuModuleUnload(module), "cuModuleUnload");
        check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
    }
}
