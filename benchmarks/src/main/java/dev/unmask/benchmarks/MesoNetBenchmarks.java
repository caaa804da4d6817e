package dev.unmask.benchmarks;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.nn.ParameterInit;
import dev.unmask.models.mesonet.MesoNetArchitecture;
import dev.unmask.models.mesonet.MesoNetConfig;
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
 * Meso-4 and MesoInception-4 at their official input, 256 x 256 RGB, batch 32, fixed seeds, reported in
 * ops/s where <b>one op is one batch of 32</b> (images/s = ops/s x 32), as in
 * {@code benchmarks/peer/pytorch_mesonet.py}:
 * <ul>
 *   <li>meso4_fwd, mesoinception4_fwd: evaluation mode, no graph: the probabilities of 32 images in [0, 1);</li>
 *   <li>meso4_train, mesoinception4_train: training mode (batch statistics, dropout 0.5), the mean squared
 *       error of the probabilities against alternating labels 1, 0 (classifiers.py's loss), backward, one
 *       Adam step at classifiers.py's learning rate 1e-3.</li>
 * </ul>
 * Training benchmarks keep training the same model. The backend is {@code cpu} unless
 * {@code -p backend=cpu-reference}; it threads over its own pool ({@code -Dunmask.threads}), so run with
 * {@code -t 1}: {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar
 * MesoNetBenchmarks -f 1 -wi 3 -i 5 -t 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 5)
public class MesoNetBenchmarks {
    private static final long SEED = 20261207L;
    private static final int BATCH = 32;
    /** classifiers.py's Adam learning rate; the cost of a step does not depend on it. */
    private static final double LEARNING_RATE = 1e-3;

    /** A model of one architecture, its optimizer, 32 images uniform in [0, 1) and labels 1, 0, 1, 0, ... */
    @State(Scope.Benchmark)
    public abstract static class MesoNetState {
        @Param({"cpu"})
        public String backend;

        MesoNet model;
        Adam optimizer;
        Tensor images;
        Tensor labels;

        abstract MesoNetArchitecture architecture();

        @Setup
        public void setup() {
            Backend b = Backends.create(backend);
            SplittableRandom random = new SplittableRandom(SEED);
            model = MesoNet.create(MesoNetConfig.of(architecture()), new ParameterInit(b, random.split()));
            optimizer = new Adam(model.parameters(), LEARNING_RATE);
            int side = MesoNet.INPUT_SIZE;
            float[] x = new float[BATCH * MesoNet.INPUT_CHANNELS * side * side];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble();
            }
            images = b.fromFloats(x, Shape.of(BATCH, MesoNet.INPUT_CHANNELS, side, side));
            float[] y = new float[BATCH];
            for (int i = 0; i < BATCH; i += 2) {
                y[i] = 1;
            }
            labels = b.fromFloats(y, Shape.of(BATCH, 1));
        }

        Tensor forward() {
            model.eval();
            try (NoGrad scope = NoGrad.enter()) {
                return model.forward(Variable.constant(images)).value();
            }
        }

        Tensor trainingStep() {
            model.train();
            optimizer.zeroGrad();
            Variable loss = model.forward(Variable.constant(images)).sub(Variable.constant(labels)).square().mean();
            loss.backward();
            optimizer.step();
            return loss.value();
        }
    }

    @State(Scope.Benchmark)
    public static class Meso4State extends MesoNetState {
        @Override
        MesoNetArchitecture architecture() {
            return MesoNetArchitecture.MESO4;
        }
    }

    @State(Scope.Benchmark)
    public static class MesoInception4State extends MesoNetState {
        @Override
        MesoNetArchitecture architecture() {
            return MesoNetArchitecture.MESO_INCEPTION4;
        }
    }

    @Benchmark
    public Tensor meso4Fwd(Meso4State s) {
        return s.forward();
    }

    @Benchmark
    public Tensor meso4Train(Meso4State s) {
        return s.trainingStep();
    }

    @Benchmark
    public Tensor mesoinception4Fwd(MesoInception4State s) {
        return s.forward();
    }

    @Benchmark
    public Tensor mesoinception4Train(MesoInception4State s) {
        return s.trainingStep();
    }
}
