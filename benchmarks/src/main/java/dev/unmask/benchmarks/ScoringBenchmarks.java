package dev.unmask.benchmarks;

import dev.unmask.detectors.latent.Restoration;
import dev.unmask.detectors.latent.RestorationSchedule;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The scoring workloads of DESIGN section 8 on the {@code faces-128} preset ({@link ScoringWorkload}: seeded
 * untrained models, DESIGN's calibration on held-out SynthFaces, SynthFaces images), as
 * {@code benchmarks/peer/pytorch_scoring.py} counts them:
 * <ul>
 *   <li>sample_score: ops/s, <b>one op = one batch of 16 images</b> (images/s = ops/s x 16): encode to
 *       codes, one PixelSNAIL forward, per-latent NLL, the sum of the NLL above lambdaS per image;</li>
 *   <li>pixel_score: s/op, <b>one op = one image</b>: encode, restoration of n = 15 copies with the
 *       schedule of parameter {@code schedule} ({@code incremental}, what {@code LatentAnomalyScorer.pixelScores}
 *       runs for a PixelSNAIL prior, or {@code efficient}, the best schedule over whole-grid forwards; both
 *       run in one invocation unless {@code -p schedule=...}), decoding of the 15 copies, the pixel score
 *       map. Its cost depends on how often codes are resampled, so the ops cycle through
 *       {@value #PIXEL_IMAGES} images: one warm-up op (image 0), then one op per image
 *       ({@code SingleShotTime}, each op timed alone). Do not override the iteration counts on the command
 *       line, or the images are no longer each scored once. The prior calls and forwards of each image
 *       are printed at the end of each schedule's trial.</li>
 * </ul>
 * The backend is {@code cpu} unless {@code -p backend=cpu-reference}; it threads over its own pool
 * ({@code -Dunmask.threads}), so run with {@code -t 1}:
 * {@code java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ScoringBenchmarks -f 1 -t 1}.
 * {@link ScoringForwardCounts} runs the naive schedule on the same images and checks that it restores the same codes.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ScoringBenchmarks {
    /** Images pixel_score cycles through; the measured iterations score each once. */
    static final int PIXEL_IMAGES = 8;

    /** The workload and one batch of 16 images. */
    @State(Scope.Benchmark)
    public static class SampleState {
        @Param({"cpu"})
        public String backend;

        ScoringWorkload workload;
        Tensor images;

        @Setup
        public void setup() {
            workload = new ScoringWorkload(backend);
            images = workload.scored(0, ScoringWorkload.BATCH);
        }
    }

    /**
     * The workload, the restoration schedule, {@value #PIXEL_IMAGES} single images, the index of the next one
     * to score, and the prior calls and forwards (in grid-forward equivalents,
     * {@code Restoration.gridForwardEquivalents}) each image's restoration needed, printed at the end of the
     * trial.
     */
    @State(Scope.Benchmark)
    public static class PixelState {
        @Param({"cpu"})
        public String backend;

        @Param({"incremental", "efficient"})
        public String schedule;

        ScoringWorkload workload;
        RestorationSchedule restoration;
        Tensor[] images;
        int next;
        final long[] priorCalls = new long[PIXEL_IMAGES];
        final double[] gridForwards = new double[PIXEL_IMAGES];

        @Setup
        public void setup() {
            restoration = RestorationSchedule.valueOf(schedule.toUpperCase(Locale.ROOT));
            workload = new ScoringWorkload(backend);
            images = new Tensor[PIXEL_IMAGES];
            for (int i = 0; i < PIXEL_IMAGES; i++) {
                images[i] = workload.scored(i, 1);
            }
        }

        @TearDown
        public void report() {
            int positions = workload.model.priorModel().config().height() * workload.model.priorModel().config().width();
            int copies = workload.restorer.settings().copies();
            System.out.printf("%npixel_score prior forwards per image, %s schedule (naive: %d prior calls,"
                    + " %d grid forwards):%n  prior calls   %s, mean %.1f%n  grid-forward equivalents %s, mean %.1f%n",
                    schedule, positions, positions * copies, Arrays.toString(priorCalls),
                    Arrays.stream(priorCalls).average().orElseThrow(), Arrays.toString(gridForwards),
                    Arrays.stream(gridForwards).average().orElseThrow());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public double[] sampleScore(SampleState s) {
        return s.workload.scorer.sampleScores(s.images, s.workload.thresholds.lambdaS());
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = PIXEL_IMAGES)
    public Tensor pixelScore(PixelState s) {
        int i = s.next;
        s.next = (i + 1) % PIXEL_IMAGES;
        // what LatentAnomalyScorer.pixelScores runs (with the schedule named), the Restoration kept for its counts
        Tensor codes = s.workload.scorer.encode(s.images[i]);
        Restoration restoration = s.workload.restorer.restore(codes, null, s.workload.thresholds.lambdaP(),
                s.restoration);
        s.priorCalls[i] = restoration.priorCalls();
        s.gridForwards[i] = restoration.gridForwardEquivalents();
        return s.workload.restorer.pixelScores(s.images[i], restoration);
    }
}
