package dev.unmask.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Supplier;

/**
 * The CPU time of the calling thread spent in one operation: unlike wall time it hardly moves when other jobs
 * share the machine, provided the operation runs on the calling thread alone ({@code -Dunmask.threads=1}).
 */
final class ThreadCpuTime {
    private ThreadCpuTime() {
    }

    /** Seconds of CPU time of the best of {@code calls} calls of {@code op}, after {@code warmup} untimed ones. */
    static double best(Supplier<?> op, int warmup, int calls) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) {
            op.get();
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < calls; i++) {
            long start = mx.getCurrentThreadCpuTime();
            op.get();
            best = Math.min(best, (mx.getCurrentThreadCpuTime() - start) / 1e9);
        }
        return best;
    }
}
