package dev.unmask.benchmarks;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The {@link ModelBenchmarks} workloads timed by the CPU time of the calling thread, for a machine shared
 * with other jobs (see {@link KernelCpuTime}). Run single-threaded so that all the work is on the calling
 * thread:
 * {@code java --add-modules jdk.incubator.vector -Dunmask.threads=1 -cp benchmarks/target/benchmarks.jar dev.unmask.benchmarks.ModelCpuTime}.
 * Prints the best of 4 calls per workload (after 2 warm-up calls); one call is one batch of 16.
 */
public final class ModelCpuTime {
    private static final int WARMUP = 2;
    private static final int CALLS = 4;

    private ModelCpuTime() {
    }

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "cpu";
        ModelBenchmarks workloads = new ModelBenchmarks();
        ModelBenchmarks.VqVaeState vqvae = new ModelBenchmarks.VqVaeState();
        vqvae.backend = backend;
        vqvae.setup();
        time("vqvae_fwd", () -> workloads.vqvaeFwd(vqvae));
        time("vqvae_train", () -> workloads.vqvaeTrain(vqvae));
        ModelBenchmarks.PixelSnailState prior = new ModelBenchmarks.PixelSnailState();
        prior.backend = backend;
        prior.setup();
        time("pixelsnail_fwd", () -> workloads.pixelsnailFwd(prior));
        time("pixelsnail_train", () -> workloads.pixelsnailTrain(prior));
    }

    private static void time(String name, Supplier<?> op) {
        double best = ThreadCpuTime.best(op, WARMUP, CALLS);
        System.out.printf(Locale.ROOT, "%-17s %8.0f ms CPU per batch of 16%n", name, best * 1e3);
    }
}
