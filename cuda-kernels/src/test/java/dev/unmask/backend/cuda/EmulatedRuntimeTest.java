package dev.unmask.backend.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulated runtime itself: raw launches by name against hand-computed answers, and its guards. */
class EmulatedRuntimeTest {
    private static EmulatedRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = EmulatedRuntime.create();
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private long upload(float[] data) {
        long p = runtime.allocate(4L * data.length);
        runtime.copyToDevice(p, data);
        return p;
    }

    @Test
    void vqNearestPicksTheClosestCodeWithTiesToTheLowestIndex() {
        // codes: (0,0), (2,0), (2,0) again, (0,5); z (1.9,0.1) -> 1 (tie with 2), (0,4) -> 3, (-1,-1) -> 0
        long z = upload(new float[] {1.9f, 0.1f, 0f, 4f, -1f, -1f});
        long codebook = upload(new float[] {0, 0, 2, 0, 2, 0, 0, 5});
        long out = runtime.allocate(3 * 4);
        runtime.launch("vq_nearest", Dim3.of(1), Dim3.of(128), 0,
                new KernelArgs().pointer(z).pointer(codebook).i32(3).i32(4).i32(2).pointer(out));
        int[] got = new int[3];
        runtime.copyToHost(out, got);
        assertArrayEquals(new int[] {1, 3, 0}, got);
    }

    @Test
    void unaryKernelRunsOverSeveralBlocksAndStopsAtTheEnd() {
        int n = 300;  // two blocks of 256, the second partly idle
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i - 150.5f;
        }
        long in = upload(x);
        long out = runtime.allocate(4L * (n + 1));
        runtime.copyToDevice(out, new float[n + 1]);
        runtime.launch("unary_f32", Dim3.cover(n, 256), Dim3.of(256), 0,
                new KernelArgs().pointer(in).pointer(out).i64(n).i32(5).f32(0f).f32(0f));
        float[] got = new float[n + 1];
        runtime.copyToHost(out, got);
        for (int i = 0; i < n; i++) {
            assertEquals(Math.max(x[i], 0f), got[i], "relu of " + x[i]);
        }
        assertEquals(0f, got[n], "the element past n was written");
    }

    @Test
    void aLaunchWhoseArgumentsDoNotMatchTheKernelIsRejected() {
        long p = runtime.allocate(16);
        IllegalArgumentException wrongKinds = assertThrows(IllegalArgumentException.class, () -> runtime.launch("vq_nearest",
                Dim3.of(1), Dim3.of(128), 0, new KernelArgs().pointer(p).pointer(p).i32(1).i32(1).f32(1f).pointer(p)));
        assertTrue(wrongKinds.getMessage().contains("vq_nearest takes (ppiiip"), wrongKinds.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> runtime.launch("no_such_kernel", Dim3.of(1), Dim3.of(32), 0, new KernelArgs()));
        assertTrue(unknown.getMessage().contains("no_such_kernel"), unknown.getMessage());
        assertThrows(DeviceException.class, () -> runtime.launch("unary_f32", Dim3.of(1), Dim3.of(32), 0,
                new KernelArgs().pointer(p).pointer(p + 4).i64(1).i32(0).f32(0).f32(0)));
    }

    @Test
    void badFreesAndOversizedCopiesAreExceptions() {
        long p = runtime.allocate(8);
        assertThrows(DeviceException.class, () -> runtime.copyToDevice(p, new float[3]));
        runtime.free(p);
        assertThrows(DeviceException.class, () -> runtime.free(p));
        assertThrows(DeviceException.class, () -> runtime.copyToHost(p, new int[1]));
    }

    @Test
    void scopesFreeWhatIsLeftAndCloseTwiceSafely() {
        int before = runtime.liveAllocations();
        DeviceScope scope = new DeviceScope(runtime);
        DeviceBuffer kept = scope.allocate(12);
        DeviceBuffer closedEarly = scope.allocate(4);
        closedEarly.close();
        assertDoesNotThrow(closedEarly::close);
        assertEquals(1, scope.liveBuffers().size());
        assertEquals(before + 1, runtime.liveAllocations());
        scope.close();
        assertDoesNotThrow(scope::close);
        assertTrue(kept.isClosed());
        assertEquals(before, runtime.liveAllocations());
        assertThrows(IllegalStateException.class, kept::handle);
        assertThrows(IllegalStateException.class, () -> scope.allocate(4));
    }

    @Test
    void trackedBuffersRememberWhereTheyWereAllocated() {
        String previous = System.getProperty(DeviceScope.TRACK_ALLOCATIONS);
        System.setProperty(DeviceScope.TRACK_ALLOCATIONS, "true");
        try (DeviceScope tracked = new DeviceScope(runtime)) {
            DeviceBuffer leaked = tracked.allocate(4);
            StackTraceElement[] site = leaked.allocationSite().getStackTrace();
            assertTrue(java.util.Arrays.stream(site).anyMatch(e -> e.getMethodName().equals("trackedBuffersRememberWhereTheyWereAllocated")));
            assertEquals(List.of(leaked), tracked.liveBuffers());
        } finally {
            if (previous == null) {
                System.clearProperty(DeviceScope.TRACK_ALLOCATIONS);
            } else {
                System.setProperty(DeviceScope.TRACK_ALLOCATIONS, previous);
            }
        }
        try (DeviceScope untracked = new DeviceScope(runtime)) {
            assertNull(untracked.allocate(4).allocationSite());
        }
    }
}
