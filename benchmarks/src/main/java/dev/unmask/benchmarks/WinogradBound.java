package dev.unmask.benchmarks;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What an exact Winograd F(4, 5) along the rows could gain on the {@code faces-128} PixelSNAIL's causal 5x5
 * convolutions (x [16, 128, 16, 16] padded to 20 x 20; 22 live taps: four full kernel rows above the output
 * and the two taps left of it), the convolutions that take about half of a sample score. Each full kernel row
 * is a 1-D convolution of width 5 along the row; F(4, 5) computes 4 outputs of it from 8 transformed inputs
 * with 8 products instead of 20. Its multiplication stage is, per transform component, a 4x1 convolution
 * over the transformed rows ([16, 128, 19, 4] with 4 tiles per row); the two current-row taps stay a 1x2
 * convolution. This times that stage with the library's own convolution kernel against the direct 22-tap
 * convolution, leaving out the input and output transforms, so the ratio it prints is an upper bound on
 * what the variant would gain with these kernels.
 *
 * <p>Run single-threaded: {@code java --add-modules jdk.incubator.vector -Dunmask.threads=1 -cp
 * benchmarks/target/benchmarks.jar dev.unmask.benchmarks.WinogradBound}. Prints the best of 8 calls per
 * stage (calling thread's CPU time, after 2 warm-up calls), three rounds.
 */
public final class WinogradBound {
    private static final int BATCH = 16;
    private static final int CHANNELS = 128;
    private static final int GRID = 16;
    private static final int KERNEL = 5;
    /** F(4, 5): outputs per tile, and the transformed inputs (and products) per tile. */
    private static final int TILE = 4;
    private static final int COMPONENTS = TILE + KERNEL - 1;
    private static final int ROUNDS = 3;

    private WinogradBound() {
    }

    public static void main(String[] args) {
        Backend b = Backends.create(args.length > 0 ? args[0] : "cpu");
        SplittableRandom rnd = new SplittableRandom(20261203L);
        int top = KERNEL - 1;
        int side = KERNEL / 2;
        Tensor padded = KernelBenchmarks.uniform(b, rnd, BATCH, CHANNELS, GRID + top, GRID + 2 * side);
        Tensor transformedRows = KernelBenchmarks.uniform(b, rnd, BATCH, CHANNELS, GRID + top - 1, GRID / TILE);
        Tensor currentRow = KernelBenchmarks.uniform(b, rnd, BATCH, CHANNELS, GRID, GRID + side - 1);
        Conv2dParams unpadded = Conv2dParams.of(1, 0);
        for (int out : new int[] {2 * CHANNELS, CHANNELS}) {
            Tensor causal = causalWeight(b, rnd, out);
            Tensor rows = KernelBenchmarks.uniform(b, rnd, out, CHANNELS, top, 1);
            Tensor left = KernelBenchmarks.uniform(b, rnd, out, CHANNELS, 1, side);
            for (int round = 0; round < ROUNDS; round++) {
                double direct = ThreadCpuTime.best(() -> b.conv2d(padded, causal, null, unpadded), 2, 8);
                double products = ThreadCpuTime.best(() -> {
                    for (int c = 0; c < COMPONENTS; c++) {
                        b.conv2d(transformedRows, rows, null, unpadded);
                    }
                    return b.conv2d(currentRow, left, null, unpadded);
                }, 2, 8);
                System.out.printf(Locale.ROOT, "out %d: direct 22 taps %.1f ms, F(4,5) products %.1f ms (%d x 4x1 + 1x2),"
                        + " bound %.2fx%n", out, direct * 1e3, products * 1e3, COMPONENTS, direct / products);
            }
        }
    }

    /** Random weights with the causal mask's zeros: the last kernel row from its centre rightwards. */
    private static Tensor causalWeight(Backend b, SplittableRandom rnd, int out) {
        float[] w = new float[out * CHANNELS * KERNEL * KERNEL];
        for (int i = 0; i < w.length; i++) {
            int tap = i % (KERNEL * KERNEL);
            boolean masked = tap / KERNEL == KERNEL - 1 && tap % KERNEL >= KERNEL / 2;
            w[i] = masked ? 0f : (float) (rnd.nextDouble() - 0.5);
        }
        return b.fromFloats(w, Shape.of(out, CHANNELS, KERNEL, KERNEL));
    }
}
