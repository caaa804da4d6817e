package dev.unmask.backend.cuda;

import dev.unmask.backend.Backend;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Device;
import dev.unmask.tensor.Storage;

/** Storage in device memory: one {@link DeviceBuffer} of {@code size} F32 or I32 elements. */
final class CudaStorage implements Storage {
    private final Backend backend;
    private final DType dtype;
    private final int size;
    private final DeviceBuffer buffer;

    CudaStorage(Backend backend, DType dtype, int size, DeviceBuffer buffer) {
        this.backend = backend;
        this.dtype = dtype;
        this.size = size;
        this.buffer = buffer;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Device device() {
        return backend;
    }

    DeviceBuffer buffer() {
        return buffer;
    }
}
