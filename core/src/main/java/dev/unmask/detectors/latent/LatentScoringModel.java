package dev.unmask.detectors.latent;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.detectors.ImageBatches;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.Outputs;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link LatentRestorationModel} as a {@link ScoringModel}: the raw score is the sample score (nats, higher =
 * more anomalous), the heat-map the restoration pixel score map. Inputs are bilinearly resized to the model's
 * S x S and kept in [-1, 1].
 */
public final class LatentScoringModel implements ScoringModel {
    private final LatentRestorationModel model;
    private final InputSpec spec;

    public LatentScoringModel(LatentRestorationModel model) {
        this.model = model;
        this.spec = new InputSpec(model.channels(), model.imageSize(), model.imageSize(),
                InputSpec.PixelRange.MINUS_ONE_TO_ONE, InputSpec.Resize.BILINEAR, InputSpec.Layout.NCHW);
        model.vqvae().eval();
        model.priorModel().eval();
    }

    public LatentRestorationModel model() {
        return model;
    }

    @Override
    public String modelType() {
        return LatentRestorationModel.MODEL_TYPE;
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
        return model.calibration().map(Calibration::decision);
    }

    @Override
    public FloatImage preprocess(FloatImage image) {
        int s = model.imageSize();
        return image.height() == s && image.width() == s ? image : ImageOps.resizeBilinear(image, s, s);
    }

    @Override
    public List<Scored> score(List<FloatImage> inputs, ScoringRequest request) {
        Calibration calibration = model.calibration().orElseThrow(() -> new IllegalStateException(
                "the model is not calibrated; run calibration on held-out real images first"));
        LatentOptions options = request.options(LatentOptions.class);
        double lambdaS = options != null && options.lambdaS() != null ? options.lambdaS() : calibration.lambdaS();
        double lambdaP = options != null && options.lambdaP() != null ? options.lambdaP() : calibration.lambdaP();
        LatentAnomalyScorer scorer = new LatentAnomalyScorer(model.encoder(), model.prior(), model.decoder(),
                RestorationSettings.DEFAULTS.withSeed(request.seed()));
        Tensor batch = ImageBatches.stack(model.backend(), inputs);
        double[] scores = scorer.sampleScores(batch, lambdaS);
        float[] maps = request.heatMap() ? scorer.pixelScores(batch, lambdaP).toFloatArray() : null;
        int s = model.imageSize();
        List<Scored> out = new ArrayList<>(inputs.size());
        for (int k = 0; k < inputs.size(); k++) {
            FloatImage map = null;
            if (maps != null) {
                float[] plane = new float[s * s];
                System.arraycopy(maps, k * s * s, plane, 0, s * s);
                map = new FloatImage(1, s, s, plane);
            }
            out.add(new Scored(scores[k], map, Outputs.NONE));
        }
        return out;
    }
}
