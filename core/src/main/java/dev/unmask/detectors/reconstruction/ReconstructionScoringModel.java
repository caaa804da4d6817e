package dev.unmask.detectors.reconstruction;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.ImageBatches;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ModelInputs;
import dev.unmask.detectors.OutputKey;
import dev.unmask.detectors.Outputs;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.models.vae.ReconstructionVae;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A {@link ReconstructionModel} as a {@link ScoringModel}. The raw score is the VAE's own
 * ({@link ReconstructionVae#score}: RMSE(x, x') over channels and pixels, or RMSE(mu(x), mu2(x')) for
 * OC-FakeDect-2) with x' = decode(mu(x)), higher = more likely fake. Every score carries
 * {@link OutputKey#LATENT_MEAN} (mu(x) flattened) and {@link OutputKey#RECONSTRUCTION} (x' in the model's input
 * space); the heat-map is the per-pixel residual sqrt(mean over channels of (x - x')^2).
 */
public final class ReconstructionScoringModel implements ScoringModel {
    private final ReconstructionModel model;
    private final InputSpec spec;

    /** Wraps {@code model} and puts it in evaluation mode. */
    public ReconstructionScoringModel(ReconstructionModel model) {
        this.model = model;
        this.spec = model.inputSpec();
        model.module().eval();
    }

    public ReconstructionModel model() {
        return model;
    }

    @Override
    public String modelType() {
        return model.architecture().modelType();
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
    public boolean makesHeatMaps() {
        return true;
    }

    @Override
    public Optional<ScoreDecision> decision() {
        return model.decision();
    }

    /** {@link ModelInputs#prepare}: bilinear resize, 8-bit level / 255, ImageNet's normalisation when the model takes it. */
    @Override
    public FloatImage preprocess(FloatImage image) {
        return ModelInputs.prepare(image, spec);
    }

    @Override
    public List<Scored> score(List<FloatImage> inputs, ScoringRequest request) {
        ReconstructionVae.Evaluation e = model.vae().evaluate(ImageBatches.stack(backend(), inputs));
        float[] scores = e.score().toFloatArray();
        float[] means = e.mean().toFloatArray();
        float[] reconstructions = e.reconstruction().toFloatArray();
        int n = inputs.size();
        int latent = means.length / n;
        int channels = spec.channels();
        int plane = spec.height() * spec.width();
        List<Scored> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            float[] x = inputs.get(k).data();
            float[] r = Arrays.copyOfRange(reconstructions, k * channels * plane, (k + 1) * channels * plane);
            FloatImage map = null;
            if (request.heatMap()) {
                float[] residual = new float[plane];
                for (int p = 0; p < plane; p++) {
                    double sum = 0;
                    for (int c = 0; c < channels; c++) {
                        double diff = x[c * plane + p] - r[c * plane + p];
                        sum += diff * diff;
                    }
                    residual[p] = (float) Math.sqrt(sum / channels);
                }
                map = new FloatImage(1, spec.height(), spec.width(), residual);
            }
            Outputs outputs = Outputs.NONE
                    .with(OutputKey.LATENT_MEAN, Arrays.copyOfRange(means, k * latent, (k + 1) * latent))
                    .with(OutputKey.RECONSTRUCTION, new FloatImage(channels, spec.height(), spec.width(), r));
            out.add(new Scored(scores[k], map, outputs));
        }
        return out;
    }
}
