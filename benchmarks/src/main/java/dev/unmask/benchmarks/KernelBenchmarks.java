package dev.unmask.benchmarks;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.ops.AttentionResult;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The kernel workloads of DESIGN section 8, each one op call on a fixed-seed input, reported in ops/s:
 * conv3x3 (x 16x128x32x32, w 128x128x3x3, pad 1), vq_nn (16384 vectors, D=64, K=512), attention
 * (causal forward, B=16, 8 heads, L=1024, head dim 8), minavg_pool (3x3 min then 7x7 average on 16 maps of
 * 128x128). The backend is {@code cpu} unless {@code -p backend=cpu-reference}; the fast backend threads
 * over its own pool ({@code -Dunmask.threads}), so run with {@code -t 1}:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar KernelBenchmarks -f 1 -wi 2 -i 3 -t 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class KernelBenchmarks {
    private static final long SEED = 20261121L;

    @Param({"cpu"})
    public String backend;

    private Backend b;
    private Tensor convInput;
    private Tensor convWeight;
    private Tensor vectors;
    private Tensor codebook;
    private Tensor query;
    private Tensor key;
    private Tensor value;
    private Tensor scoreMaps;

    @Setup
    public void setup() {
        b = Backends.create(backend);
        SplittableRandom rnd = new SplittableRandom(SEED);
        convInput = uniform(b, rnd, 16, 128, 32, 32);
        convWeight = uniform(b, rnd, 128, 128, 3, 3);
        vectors = uniform(b, rnd, 16384, 64);
        codebook = uniform(b, rnd, 512, 64);
        query = uniform(b, rnd, 16, 8, 1024, 8);
        key = uniform(b, rnd, 16, 8, 1024, 8);
        value = uniform(b, rnd, 16, 8, 1024, 8);
        scoreMaps = uniform(b, rnd, 16, 1, 128, 128);
    }

    /** 2 * 16 * 128 * 1152 * 1024 = 4.83 GFLOP per call. */
    @Benchmark
    public Tensor conv3x3() {
        return b.conv2d(convInput, convWeight, null, Conv2dParams.of(1, 1));
    }

    /** 2 * 16384 * 512 * 64 = 1.07 GFLOP of scores per call. */
    @Benchmark
    public Tensor vqNn() {
        return b.vqNearest(vectors, codebook);
    }

    /** 128 heads x 523,776 visible (query, key) pairs, each 2 * (8 + 8) FLOP plus one exp. */
    @Benchmark
    public AttentionResult attention() {
        return b.causalAttention(query, key, value, (float) (1 / Math.sqrt(8)));
    }

    @Benchmark
    public Tensor minavgPool() {
        return b.minAvgPool(scoreMaps, 3, 7);
    }

    /** Values uniform in [-1, 1) on {@code b}. */
    static Tensor uniform(Backend b, SplittableRandom rnd, int... dims) {
        Shape s = Shape.of(dims);
        float[] x = new float[s.numel()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return b.fromFloats(x, s);
    }
}
