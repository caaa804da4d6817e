package dev.unmask.detectors.classifier;

import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.SuspicionScores;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.autoencoder.AutoencoderClassifier;
import dev.unmask.models.autoencoder.ClassifierOutput;
import dev.unmask.optim.Adam;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.ArrayBatches;
import dev.unmask.train.LabelledBatches;
import dev.unmask.train.Trainer;
import dev.unmask.train.TrainingSettings;

import java.io.IOException;
import java.util.Map;

/**
 * The two stages of the autoencoder-feature classifier study, each with Adam at a constant rate (the study:
 * 1e-3) and resumable checkpoints: the autoencoder trained on images by MSE, then the encoder and the head
 * trained together (the encoder fine-tuned) by categorical cross-entropy plus the head's L1 / L2 penalty on
 * labelled real and fake images. Images are {@code n * C * H * W} values in [0, 1] (the model's inputs).
 */
public final class AutoencoderLogisticTraining {
    /** The study's learning rate of both stages. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    private static final int SCORING_BATCH = 16;

    private AutoencoderLogisticTraining() {
    }

    /** Trains the autoencoder on {@code images} to minimise the mean squared reconstruction error. */
    public static void pretrain(AutoencoderLogisticModel model, float[] images, TrainingSettings settings)
            throws IOException {
        InputSpec spec = model.inputSpec();
        ArrayBatches batches = ArrayBatches.ofFloats(images, new int[] {spec.channels(), spec.height(), spec.width()},
                settings.batchSize(), settings.seed(), model.backend());
        settings.run(Trainer.<Tensor>builder()
                .model(model.autoencoder())
                .optimizer(new Adam(model.autoencoder().parameters(), settings.learningRate()))
                .source(batches)
                .loss((batch, random) -> Trainer.StepLoss.of(model.autoencoder().forward(batch).loss())));
        model.autoencoder().eval();
    }

    /**
     * Trains the classifier (encoder and head) on labelled images: {@code labels[i]} is
     * {@link AutoencoderClassifier#REAL} or {@link AutoencoderClassifier#FAKE}.
     */
    public static void trainClassifier(AutoencoderLogisticModel model, float[] images, int[] labels,
                                       TrainingSettings settings) throws IOException {
        InputSpec spec = model.inputSpec();
        AutoencoderClassifier classifier = model.classifier();
        LabelledBatches batches = LabelledBatches.of(images, new int[] {spec.channels(), spec.height(), spec.width()},
                labels, settings.batchSize(), settings.seed(), model.backend());
        settings.run(Trainer.<LabelledBatches.Batch>builder()
                .model(classifier)
                .optimizer(new Adam(classifier.parameters(), settings.learningRate()))
                .source(batches)
                .loss((batch, random) -> {
                    ClassifierOutput out = classifier.forward(batch.inputs(), batch.labels());
                    return new Trainer.StepLoss(out.loss(), Map.of(
                            "ce", (double) out.crossEntropy().value().item(),
                            "penalty", (double) out.penalty().value().item()));
                }));
        classifier.eval();
    }

    /**
     * Sets and returns the F1-maximising decision on a labelled validation set ({@code fake[i]} true for fake
     * images), the normaliser fitted to its scores.
     */
    public static ScoreDecision calibrateF1Max(AutoencoderLogisticModel model, float[] images, boolean[] fake) {
        double[] scores = SuspicionScores.of(new AutoencoderLogisticScoringModel(model), images, SCORING_BATCH);
        ScoreDecision decision = ScoreDecision.fit(DecisionThreshold.f1Max(scores, fake), scores);
        model.setDecision(decision);
        return decision;
    }
}
