package dev.unmask.backend.cpu.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * A parallel for-loop over one shared, fixed pool of daemon threads. The number of threads is the
 * number of available processors unless the system property {@code unmask.threads} says otherwise.
 * A loop started from inside a pool thread runs inline, so kernels may nest without deadlock.
 */
public final class ParallelFor {
    /** Threads that work on one loop: the caller plus {@code THREADS - 1} pool workers. */
    public static final int THREADS = Math.max(1,
            Integer.getInteger("unmask.threads", Runtime.getRuntime().availableProcessors()));

    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemonFactory()) : null;

    /** The body of a loop over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private ParallelFor() {
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #THREADS} contiguous chunks, one per
     * thread, and returns when all are done. An exception in any chunk is rethrown here.
     */
    public static void range(int n, RangeBody body) {
        int chunks = Math.min(n, THREADS);
        if (chunks <= 1 || IN_POOL.get()) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            futures.add(POOL.submit(() -> body.run(start, end)));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel loop failed", failure);
        }
    }

    private static ThreadFactory daemonFactory() {
        return new ThreadFactory() {
            private int count;

            @Override
            public synchronized Thread newThread(Runnable r) {
                Thread t = new Thread(() -> {
                    IN_POOL.set(true);
                    r.run();
                }, "unmask-cpu-" + (++count));
                t.setDaemon(true);
                return t;
            }
        };
    }
}
