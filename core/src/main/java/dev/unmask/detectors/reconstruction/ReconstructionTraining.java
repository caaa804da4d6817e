package dev.unmask.detectors.reconstruction;

import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.SuspicionScores;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.vae.VaeOutput;
import dev.unmask.nn.Module;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.ArrayBatches;
import dev.unmask.train.SplitMix64;
import dev.unmask.train.Trainer;
import dev.unmask.train.TrainingSettings;

import java.io.IOException;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Training and calibration of the one-class VAEs on real images only. Training minimises the batch mean of
 * KL(N(mu, sigma^2) || N(0, I)) + ||x - x'||^2 (+ ||mu(x) - mu2(x')||^2 for OC-FakeDect-2) with Adam at a
 * constant rate; z = mu + sigma * epsilon with epsilon drawn from the trainer's checkpointed generator, so a
 * resumed run takes the same steps bit for bit. The decision threshold is by default the
 * {@value #ONE_CLASS_PERCENT}th percentile of held-out real scores, as the one-class studies set it.
 */
public final class ReconstructionTraining {
    /** The default decision threshold: this percentile of the suspicion scores of held-out real images. */
    public static final double ONE_CLASS_PERCENT = 80;
    /** The study's Adam learning rate. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    private static final int SCORING_BATCH = 16;

    private ReconstructionTraining() {
    }

    /**
     * Trains {@code model} on real images ({@code n * C * H * W} values, already in the model's input range, see
     * {@link ReconstructionScoringModel#preprocess}) for {@code settings.steps()} steps, resuming from the newest
     * checkpoint in {@code settings.checkpoints()} when there is one. Leaves the model in evaluation mode.
     */
    public static void train(ReconstructionModel model, float[] images, TrainingSettings settings) throws IOException {
        InputSpec spec = model.inputSpec();
        Module module = model.module();
        ArrayBatches batches = ArrayBatches.ofFloats(images, new int[] {spec.channels(), spec.height(), spec.width()},
                settings.batchSize(), settings.seed(), model.backend());
        Trainer.Builder<Tensor> builder = Trainer.<Tensor>builder()
                .model(module)
                .optimizer(new Adam(module.parameters(), settings.learningRate()))
                .source(batches)
                .loss((batch, random) -> {
                    VaeOutput out = model.vae().forward(batch, gaussian(random));
                    return new Trainer.StepLoss(out.loss(), Map.of(
                            "kl", mean(out.klDivergence().value()),
                            "rss", mean(out.reconstructionError().value())));
                });
        settings.run(builder);
        module.eval();
    }

    private static double mean(Tensor perImage) {
        double sum = 0;
        float[] values = perImage.toFloatArray();
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The trainer's generator as a {@link RandomGenerator}, for {@link RandomGenerator#nextGaussian()}. */
    static RandomGenerator gaussian(SplitMix64 random) {
        return random::nextLong;
    }

    /**
     * Sets and returns the decision: the {@code percent}-th percentile of the scores of held-out real images
     * ({@code n * C * H * W} values in the model's input range), with the normaliser fitted to those scores.
     */
    public static ScoreDecision calibrate(ReconstructionModel model, float[] realImages, double percent) {
        double[] scores = SuspicionScores.of(new ReconstructionScoringModel(model), realImages, SCORING_BATCH);
        ScoreDecision decision = ScoreDecision.fit(DecisionThreshold.percentileOfReal(scores, new boolean[scores.length],
                percent), scores);
        model.setDecision(decision);
        return decision;
    }
}
