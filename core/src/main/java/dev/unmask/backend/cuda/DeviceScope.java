package dev.unmask.backend.cuda;

import dev.unmask.backend.BackendScope;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Owns device buffers and frees, on {@link #close()}, every one still open (try-with-resources gives
 * deterministic release). Closing twice is safe; allocating from a closed scope is an error.
 */
public class DeviceScope implements BackendScope {
    /** System property that makes every buffer record its allocation site. */
    public static final String TRACK_ALLOCATIONS = "unmask.cuda.trackAllocations";

    private final DeviceRuntime runtime;
    private final boolean trackSites;
    private final Set<DeviceBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    public DeviceScope(DeviceRuntime runtime) {
        this.runtime = runtime;
        this.trackSites = Boolean.getBoolean(TRACK_ALLOCATIONS);
    }

    /** A new buffer of {@code bytes} (at least 1 byte is allocated, so empty tensors have a handle too). */
    public synchronized DeviceBuffer allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("device scope is closed");
        }
        long size = Math.max(bytes, 1);
        DeviceBuffer buffer = new DeviceBuffer(runtime, this, runtime.allocate(size), size, trackSites);
        live.add(buffer);
        return buffer;
    }

    /** The buffers allocated here and not yet closed (with their allocation sites when tracked). */
    public synchronized List<DeviceBuffer> liveBuffers() {
        return new ArrayList<>(live);
    }

    synchronized void forget(DeviceBuffer buffer) {
        live.remove(buffer);
    }

    @Override
    public void close() {
        List<DeviceBuffer> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(live);
        }
        for (DeviceBuffer b : open) {
            b.close();
        }
    }
}
