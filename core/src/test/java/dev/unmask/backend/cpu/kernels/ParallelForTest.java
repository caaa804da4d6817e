package dev.unmask.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A lost wake-up hangs a loop: every test here fails after a minute instead of hanging the build. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ParallelForTest {

    /** Runs a loop over [0, n) and returns how often each index was visited. */
    private static int[] visits(int n) {
        AtomicIntegerArray count = new AtomicIntegerArray(n);
        ParallelFor.range(n, (start, end) -> {
            assertTrue(0 <= start && start < end && end <= n, "chunk [" + start + ", " + end + ") of " + n);
            for (int i = start; i < end; i++) {
                count.incrementAndGet(i);
            }
        });
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = count.get(i);
        }
        return out;
    }

    @Test
    void everyIndexIsVisitedExactlyOnce() {
        for (int n : new int[] {0, 1, 2, 3, 7, 8, 9, 100, 10_007}) {
            int[] v = visits(n);
            for (int i = 0; i < n; i++) {
                assertEquals(1, v[i], "index " + i + " of " + n);
            }
        }
    }

    @Test
    void loopsAfterTheWorkersParkedStillComplete() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            Thread.sleep(5);   // well past the polling time: the workers are parked
            int[] v = visits(1000);
            assertEquals(1000, java.util.Arrays.stream(v).sum());
        }
    }

    @Test
    void theFirstFailureIsRethrownAndTheOtherChunksStillRun() {
        int n = 64;
        AtomicIntegerArray count = new AtomicIntegerArray(n);
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () ->
                ParallelFor.range(n, (start, end) -> {
                    for (int i = start; i < end; i++) {
                        count.incrementAndGet(i);
                    }
                    if (start == 0) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        for (int i = 0; i < n; i++) {
            assertEquals(1, count.get(i), "index " + i);
        }
        StackOverflowError error = new StackOverflowError("deep");
        assertSame(error, assertThrows(StackOverflowError.class, () -> ParallelFor.range(n, (start, end) -> {
            if (end == n) {
                throw error;
            }
        })));
        // the pool survives failures
        assertEquals(n, java.util.Arrays.stream(visits(n)).sum());
    }

    @Test
    void nestedLoopsComplete() {
        int outer = 13;
        int inner = 257;
        AtomicIntegerArray count = new AtomicIntegerArray(outer * inner);
        ParallelFor.range(outer, (s0, e0) -> {
            for (int i = s0; i < e0; i++) {
                int row = i;
                ParallelFor.range(inner, (s1, e1) -> {
                    for (int j = s1; j < e1; j++) {
                        count.incrementAndGet(row * inner + j);
                    }
                });
            }
        });
        for (int i = 0; i < outer * inner; i++) {
            assertEquals(1, count.get(i), "index " + i);
        }
    }

    @Test
    void manyCallersAtOnceEachGetTheirWholeLoop() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int n = 500 + 37 * t;
                results.add(callers.submit(() -> {
                    long[] sums = new long[200];
                    for (int call = 0; call < sums.length; call++) {
                        long[] part = new long[n];
                        ParallelFor.range(n, (start, end) -> {
                            for (int i = start; i < end; i++) {
                                part[i] = i;
                            }
                        });
                        sums[call] = java.util.Arrays.stream(part).sum();
                    }
                    return sums;
                }));
            }
            for (int t = 0; t < 8; t++) {
                long n = 500 + 37 * t;
                for (long s : results.get(t).get()) {
                    assertEquals(n * (n - 1) / 2, s, "caller " + t);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
