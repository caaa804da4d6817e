package dev.unmask.detectors.classifier;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.io.ModelBundle;

import java.io.IOException;

/** The autoencoder-feature classifier ({@link AutoencoderLogisticModel}) as a detector family. */
public final class AutoencoderLogisticFamily implements DetectorFamily {
    @Override
    public String modelType() {
        return AutoencoderLogisticModel.MODEL_TYPE;
    }

    @Override
    public String description() {
        return "autoencoder + logistic head: a convolutional autoencoder's encoder with a regularised softmax head, "
                + "supervised on real and fake images; probability of being fake per image";
    }

    @Override
    public AutoencoderLogisticScoringModel load(ModelBundle bundle, String source, Backend backend) throws IOException {
        return new AutoencoderLogisticScoringModel(AutoencoderLogisticModel.fromBundle(bundle, source, backend));
    }
}
