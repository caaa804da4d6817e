package dev.unmask.detectors.classifier;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.ImageBatches;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ModelInputs;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.models.autoencoder.AutoencoderClassifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An {@link AutoencoderLogisticModel} as a {@link ScoringModel}: the raw score is the softmax probability of the
 * class {@link AutoencoderClassifier#FAKE}. Inputs are prepared as the spec says ({@link ModelInputs#prepare}: bilinear resize, 8-bit level / 255).
 */
public final class AutoencoderLogisticScoringModel implements ScoringModel {
    private final AutoencoderLogisticModel model;
    private final InputSpec spec;

    /** Wraps {@code model} and puts it in evaluation mode. */
    public AutoencoderLogisticScoringModel(AutoencoderLogisticModel model) {
        this.model = model;
        this.spec = model.inputSpec();
        model.classifier().eval();
        model.autoencoder().eval();
    }

    public AutoencoderLogisticModel model() {
        return model;
    }

    @Override
    public String modelType() {
        return AutoencoderLogisticModel.MODEL_TYPE;
    }

    @Override
    public InputSpec inputSpec() {
        return spec;
    }

    @Override
    public Polarity polarity() {
        return Polarity.HIGHER_IS_FAKE;
    }

    @Override
    public Backend backend() {
        return model.backend();
    }

    @Override
    public Optional<ScoreDecision> decision() {
        return model.decision();
    }

    @Override
    public FloatImage preprocess(FloatImage image) {
        return ModelInputs.prepare(image, spec);
    }

    @Override
    public List<Scored> score(List<FloatImage> inputs, ScoringRequest request) {
        float[] p = model.classifier().probabilities(ImageBatches.stack(backend(), inputs)).toFloatArray();
        List<Scored> out = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) {
            out.add(Scored.of(p[2 * k + AutoencoderClassifier.FAKE]));
        }
        return out;
    }
}
