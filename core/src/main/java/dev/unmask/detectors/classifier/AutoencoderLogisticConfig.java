package dev.unmask.detectors.classifier;

import dev.unmask.models.autoencoder.AutoencoderClassifier;
import dev.unmask.models.autoencoder.AutoencoderConfig;

/**
 * The {@code config} of an {@value AutoencoderLogisticModel#MODEL_TYPE} bundle.
 *
 * @param autoencoder the autoencoder's shape (the classifier's input size and code)
 * @param l1          L1 weight of the head's kernel penalty (the study: 0.01)
 * @param l2          L2 weight (the study: 0.1)
 */
public record AutoencoderLogisticConfig(AutoencoderConfig autoencoder, float l1, float l2) {
    public AutoencoderLogisticConfig {
        if (autoencoder == null) {
            throw new IllegalArgumentException("AutoencoderLogisticConfig: the autoencoder's config must be given");
        }
        if (!(l1 >= 0) || !(l2 >= 0) || Float.isInfinite(l1) || Float.isInfinite(l2)) {
            throw new IllegalArgumentException("AutoencoderLogisticConfig: penalty weights must be finite and not negative, "
                    + "got " + l1 + " and " + l2);
        }
    }

    /** The study's penalties on an autoencoder of {@code autoencoder}'s shape. */
    public static AutoencoderLogisticConfig study(AutoencoderConfig autoencoder) {
        return new AutoencoderLogisticConfig(autoencoder, AutoencoderClassifier.STUDY_L1, AutoencoderClassifier.STUDY_L2);
    }
}
