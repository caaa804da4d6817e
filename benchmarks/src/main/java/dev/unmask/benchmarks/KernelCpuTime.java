package dev.unmask.benchmarks;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The {@link KernelBenchmarks} workloads timed by the CPU time of the calling thread rather than by the
 * wall clock, for a machine shared with other jobs, where JMH's wall-clock throughput swings with the
 * load. Run single-threaded so that all the work is on the calling thread:
 * {@code java --add-modules jdk.incubator.vector -Dunmask.threads=1 -cp benchmarks/target/benchmarks.jar dev.unmask.benchmarks.KernelCpuTime}.
 * Prints the best of 8 calls per workload (after 2 warm-up calls).
 */
public final class KernelCpuTime {
    private static final int WARMUP = 2;
    private static final int CALLS = 8;

    private KernelCpuTime() {
    }

    public static void main(String[] args) {
        KernelBenchmarks workloads = new KernelBenchmarks();
        workloads.backend = args.length > 0 ? args[0] : "cpu";
        workloads.setup();
        time("conv3x3", 2.0 * 16 * 128 * 1152 * 1024, workloads::conv3x3);
        time("vq_nn", 2.0 * 16384 * 512 * 64, workloads::vqNn);
        time("attention", 0, workloads::attention);
        time("minavg_pool", 0, workloads::minavgPool);
    }

    private static void time(String name, double flop, Supplier<?> op) {
        double best = ThreadCpuTime.best(op, WARMUP, CALLS);
        String rate = flop > 0 ? String.format(Locale.ROOT, ", %.0f GFLOP/s", flop / best / 1e9) : "";
        System.out.printf(Locale.ROOT, "%-12s %8.1f ms CPU per call%s%n", name, best * 1e3, rate);
    }
}
