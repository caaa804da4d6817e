package dev.unmask.benchmarks;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.pixelsnail.PixelSnail;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVae;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.models.vqvae.VqVaeOutput;
import dev.unmask.nn.ParameterInit;
import dev.unmask.optim.Adam;
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
 * The model workloads of DESIGN section 8 on the {@code faces-128} preset, batch 16, fixed seeds, reported
 * in ops/s where <b>one op is one batch of 16</b> (images/s = ops/s x 16), as in
 * {@code benchmarks/peer/pytorch_models.py}:
 * <ul>
 *   <li>vqvae_fwd: eval mode, no graph: {@link VqVae#forward} (reconstruction and losses) of 16x3x128x128 images;</li>
 *   <li>vqvae_train: train mode (EMA codebook update), forward, backward of the loss, one Adam step;</li>
 *   <li>pixelsnail_fwd: eval mode, no graph: the logits [16, 512, 16, 16] of 16 code grids;</li>
 *   <li>pixelsnail_train: train mode (dropout 0.1), logits, mean cross-entropy against the codes
 *       themselves, backward, one Adam step.</li>
 * </ul>
 * Training benchmarks keep training the same model, so every op is an ordinary training step. The backend
 * is {@code cpu} unless {@code -p backend=cpu-reference}; it threads over its own pool
 * ({@code -Dunmask.threads}), so run with {@code -t 1}:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ModelBenchmarks -f 1 -wi 2 -i 3 -t 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ModelBenchmarks {
    private static final long SEED = 20261121L;
    private static final int BATCH = 16;
    /** rosinality's learning rate for both models; the cost of a step does not depend on it. */
    private static final double LEARNING_RATE = 3e-4;

    /** The faces-128 VQ-VAE, its optimizer and a batch of images uniform in [-1, 1] (normalised images). */
    @State(Scope.Benchmark)
    public static class VqVaeState {
        @Param({"cpu"})
        public String backend;

        VqVae model;
        Adam optimizer;
        Tensor images;

        @Setup
        public void setup() {
            Backend b = Backends.create(backend);
            SplittableRandom rnd = new SplittableRandom(SEED);
            VqVaeConfig config = VqVaeConfig.faces128();
            model = new VqVae(config, new ParameterInit(b, rnd));
            optimizer = new Adam(model.parameters(), LEARNING_RATE);
            int side = 128;
            float[] x = new float[BATCH * config.inChannel() * side * side];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            images = b.fromFloats(x, Shape.of(BATCH, config.inChannel(), side, side));
        }
    }

    /** The faces-128 PixelSNAIL, its optimizer and 16 grids of uniformly drawn codes. */
    @State(Scope.Benchmark)
    public static class PixelSnailState {
        @Param({"cpu"})
        public String backend;

        PixelSnail model;
        Adam optimizer;
        Tensor codes;
        Tensor targets;

        @Setup
        public void setup() {
            Backend b = Backends.create(backend);
            SplittableRandom rnd = new SplittableRandom(SEED);
            PixelSnailConfig config = PixelSnailConfig.faces128();
            model = new PixelSnail(config, new ParameterInit(b, rnd));
            optimizer = new Adam(model.parameters(), LEARNING_RATE);
            int positions = BATCH * config.height() * config.width();
            int[] c = new int[positions];
            for (int i = 0; i < c.length; i++) {
                c[i] = rnd.nextInt(config.classes());
            }
            codes = b.fromInts(c, Shape.of(BATCH, config.height(), config.width()));
            targets = codes.reshape(positions);
        }
    }

    @Benchmark
    public Tensor vqvaeFwd(VqVaeState s) {
        s.model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            return s.model.forward(s.images).reconstruction().value();
        }
    }

    @Benchmark
    public Tensor vqvaeTrain(VqVaeState s) {
        s.model.train();
        s.optimizer.zeroGrad();
        VqVaeOutput out = s.model.forward(s.images);
        out.loss().backward();
        s.optimizer.step();
        return out.loss().value();
    }

    @Benchmark
    public Tensor pixelsnailFwd(PixelSnailState s) {
        s.model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            return s.model.logits(s.codes).value();
        }
    }

    @Benchmark
    public Tensor pixelsnailTrain(PixelSnailState s) {
        s.model.train();
        s.optimizer.zeroGrad();
        int classes = s.model.config().classes();
        Variable loss = s.model.logits(s.codes).permute(0, 2, 3, 1).reshape(s.targets.numel(), classes)
                .crossEntropy(s.targets);
        loss.backward();
        s.optimizer.step();
        return loss.value();
    }
}
