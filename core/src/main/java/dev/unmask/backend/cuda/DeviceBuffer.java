package dev.unmask.backend.cuda;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of device memory owned by a {@link DeviceScope}. Closing frees it; closing twice is safe.
 * When allocation tracking is on ({@code -Dunmask.cuda.trackAllocations=true}) the buffer remembers
 * where it was allocated, so a leak report can point at the code that forgot to close it.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceRuntime runtime;
    private final DeviceScope scope;
    private final long handle;
    private final long bytes;
    private final Throwable allocationSite;
    private final AtomicBoolean closed = new AtomicBoolean();

    DeviceBuffer(DeviceRuntime runtime, DeviceScope scope, long handle, long bytes, boolean trackSite) {
        this.runtime = runtime;
        this.scope = scope;
        this.handle = handle;
        this.bytes = bytes;
        this.allocationSite = trackSite ? new Throwable("device buffer of " + bytes + " bytes allocated here") : null;
    }

    /** The runtime's pointer handle; fails once the buffer is closed. */
    public long handle() {
        if (closed.get()) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes used after it was freed");
        }
        return handle;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Where the buffer was allocated, or null when tracking is off. */
    public Throwable allocationSite() {
        return allocationSite;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scope.forget(this);
            runtime.free(handle);
        }
    }
}
