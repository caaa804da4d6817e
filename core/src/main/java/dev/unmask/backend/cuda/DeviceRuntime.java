package dev.unmask.backend.cuda;

/**
 * The seam between {@link CudaBackend} and a device: memory, copies and kernel launches. Pointers are
 * opaque 64-bit handles ({@code 0} is null). Implementations: {@code JCudaRuntime} (the CUDA driver
 * API) and, in tests, {@code EmulatedRuntime} (the same kernel sources compiled for the CPU).
 *
 * <p>Launches are asynchronous with respect to the host on a real device; copies to the host wait for
 * every earlier launch. Errors are {@link DeviceException}s naming the call and the cause.
 */
public interface DeviceRuntime extends AutoCloseable {

    /** Short description for logs ("JCuda driver API on NVIDIA H100", "emulated"). */
    String name();

    /** Allocates {@code bytes} (more than 0) of uninitialised device memory. */
    long allocate(long bytes);

    /** Frees memory from {@link #allocate}. */
    void free(long pointer);

    /** Copies all of {@code source} to the device memory at {@code destination}. */
    void copyToDevice(long destination, float[] source);

    /** Copies all of {@code source} to the device memory at {@code destination}. */
    void copyToDevice(long destination, int[] source);

    /** Fills {@code destination} from the device memory at {@code source}, after earlier launches finish. */
    void copyToHost(long source, float[] destination);

    /** Fills {@code destination} from the device memory at {@code source}, after earlier launches finish. */
    void copyToHost(long source, int[] destination);

    /** Copies {@code bytes} bytes between two device allocations. */
    void copyDeviceToDevice(long destination, long source, long bytes);

    /** Sets {@code bytes} bytes at {@code pointer} to zero. */
    void zero(long pointer, long bytes);

    /**
     * Launches the {@code extern "C"} kernel {@code kernel} over {@code grid} blocks of {@code block}
     * threads with {@code sharedBytes} of dynamic shared memory. {@code args} must match the kernel's
     * parameter list in order and kind.
     */
    void launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArgs args);

    /** Waits until every launch so far has finished; reports errors they raised. */
    void synchronize();

    /** Releases the device context and what the runtime caches. Closing twice is safe. */
    @Override
    void close();
}
