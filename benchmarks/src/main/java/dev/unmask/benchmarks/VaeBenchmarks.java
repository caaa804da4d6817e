package dev.unmask.benchmarks;

import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.vae.OcFakeDect;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.OutputActivation;
import dev.unmask.models.vae.ReconstructionVae;
import dev.unmask.models.vae.ResNetVaeConfig;
import dev.unmask.models.vae.SymmetricResNetVae;
import dev.unmask.models.vae.VaeOutput;
import dev.unmask.nn.Module;
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
 * The reconstruction-VAE workloads, batch 32, fixed seeds, in ops/s where <b>one op is one batch of 32</b>
 * (images/s = ops/s x 32), as in {@code benchmarks/peer/pytorch_vae.py}:
 * <ul>
 *   <li>ocfakedect_train: OC-FakeDect-1 (3 x 100 x 100, sigmoid output) in training mode: forward with epsilon
 *       from a seeded generator, backward of KL + residual sum of squares, one Adam step;</li>
 *   <li>ocfakedect_score: evaluation mode, no graph: the scores RMSE(x, decode(mu(x))) of 32 images;</li>
 *   <li>resnet_vae_train, resnet_vae_score: the same for the symmetric ResNet-18 VAE, 3 x 224 x 224 with
 *       ImageNet normalisation (linear output), latent 256.</li>
 * </ul>
 * Training benchmarks keep training the same model. The backend threads over its own pool
 * ({@code -Dunmask.threads}), so run with {@code -t 1}; a ResNet-18 VAE training step holds a few GB of
 * activations, hence the heap size:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar VaeBenchmarks -f 1 -wi 2 -i 3 -t 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx12g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class VaeBenchmarks {
    static final long SEED = 20261121L;
    static final int BATCH = 32;
    /** The cost of a step does not depend on the learning rate. */
    private static final double LEARNING_RATE = 1e-3;

    /** A model, its optimizer, a batch of images and the generator of the reparameterisation noise. */
    @State(Scope.Benchmark)
    public abstract static class VaeState {
        @Param({"cpu"})
        public String backend;

        Module module;
        ReconstructionVae model;
        Adam optimizer;
        Tensor images;
        SplittableRandom noise;

        abstract Module build(ParameterInit init);

        /** The images' value range: [0, 1] for a sigmoid output, ImageNet-normalised values otherwise. */
        abstract boolean unitRange();

        abstract Shape imageShape();

        @Setup
        public void setup() {
            Backend b = Backends.create(backend);
            SplittableRandom rnd = new SplittableRandom(SEED);
            module = build(new ParameterInit(b, rnd));
            model = (ReconstructionVae) module;
            optimizer = new Adam(module.parameters(), LEARNING_RATE);
            Shape shape = imageShape();
            float[] x = new float[shape.numel()];
            for (int i = 0; i < x.length; i++) {
                // ImageNet normalisation maps [0, 1] to about [-2.1, 2.6]
                x[i] = (float) (unitRange() ? rnd.nextDouble() : rnd.nextDouble() * 4.7 - 2.1);
            }
            images = b.fromFloats(x, shape);
            noise = new SplittableRandom(SEED + 1);
        }
    }

    @State(Scope.Benchmark)
    public static class OcFakeDectState extends VaeState {
        @Override
        Module build(ParameterInit init) {
            return new OcFakeDect(OcFakeDectConfig.ocFakeDect1(OutputActivation.SIGMOID), init);
        }

        @Override
        boolean unitRange() {
            return true;
        }

        @Override
        Shape imageShape() {
            return Shape.of(BATCH, 3, OcFakeDectConfig.FACE_SIZE, OcFakeDectConfig.FACE_SIZE);
        }
    }

    @State(Scope.Benchmark)
    public static class ResNetVaeState extends VaeState {
        @Override
        Module build(ParameterInit init) {
            return new SymmetricResNetVae(ResNetVaeConfig.imagenet224(), init);
        }

        @Override
        boolean unitRange() {
            return false;
        }

        @Override
        Shape imageShape() {
            return Shape.of(BATCH, 3, 224, 224);
        }
    }

    static Tensor trainStep(VaeState s) {
        s.module.train();
        s.optimizer.zeroGrad();
        VaeOutput out = s.model.forward(s.images, s.noise);
        out.loss().backward();
        s.optimizer.step();
        return out.loss().value();
    }

    static Tensor score(VaeState s) {
        s.module.eval();
        return s.model.score(s.images);
    }

    @Benchmark
    public Tensor ocfakedectTrain(OcFakeDectState s) {
        return trainStep(s);
    }

    @Benchmark
    public Tensor ocfakedectScore(OcFakeDectState s) {
        return score(s);
    }

    @Benchmark
    public Tensor resnetVaeTrain(ResNetVaeState s) {
        return trainStep(s);
    }

    @Benchmark
    public Tensor resnetVaeScore(ResNetVaeState s) {
        return score(s);
    }
}
