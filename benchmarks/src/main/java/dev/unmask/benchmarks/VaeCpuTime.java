package dev.unmask.benchmarks;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * The {@link VaeBenchmarks} workloads timed by the CPU time of the calling thread, for a machine shared with other
 * jobs (see {@link KernelCpuTime}); {@code benchmarks/peer/pytorch_vae.py --cpu-time} times PyTorch the same way.
 * Run single-threaded so that all the work is on the calling thread:
 * {@code java --add-modules jdk.incubator.vector -Xmx12g -Dunmask.threads=1 -cp benchmarks/target/benchmarks.jar dev.unmask.benchmarks.VaeCpuTime}.
 * Prints the best of 2 calls per workload after 1 warm-up call (a ResNet-18 VAE training step takes about ten
 * seconds of CPU); one call is one batch of 32.
 */
public final class VaeCpuTime {
    private static final int WARMUP = 1;
    private static final int CALLS = 2;

    private VaeCpuTime() {
    }

    public static void main(String[] args) {
        String backend = args.length > 0 ? args[0] : "cpu";
        VaeBenchmarks workloads = new VaeBenchmarks();
        VaeBenchmarks.OcFakeDectState oc = new VaeBenchmarks.OcFakeDectState();
        oc.backend = backend;
        oc.setup();
        time("ocfakedect_train", () -> workloads.ocfakedectTrain(oc));
        time("ocfakedect_score", () -> workloads.ocfakedectScore(oc));
        VaeBenchmarks.ResNetVaeState resnet = new VaeBenchmarks.ResNetVaeState();
        resnet.backend = backend;
        resnet.setup();
        time("resnet_vae_train", () -> workloads.resnetVaeTrain(resnet));
        time("resnet_vae_score", () -> workloads.resnetVaeScore(resnet));
    }

    private static void time(String name, Supplier<?> op) {
        double best = ThreadCpuTime.best(op, WARMUP, CALLS);
        System.out.printf(Locale.ROOT, "%-17s %8.0f ms CPU per batch of %d%n", name, best * 1e3, VaeBenchmarks.BATCH);
    }
}
