package dev.unmask.detectors.classifier;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.detectors.ImageBatches;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.models.mesonet.MesoNet;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A loaded {@link MesoNet} as a {@link ScoringModel}. Preprocessing is the official pipeline's: RGB, Pillow's
 * nearest-neighbour resize to 256 x 256 ({@link ImageOps#resizeNearest}), 8-bit levels / 255. The raw score is
 * the network's output, the probability that the face is real.
 */
public final class MesoNetScoringModel implements ScoringModel {
    private static final InputSpec SPEC = new InputSpec(MesoNet.INPUT_CHANNELS, MesoNet.INPUT_SIZE, MesoNet.INPUT_SIZE,
            InputSpec.PixelRange.ZERO_TO_ONE, InputSpec.Resize.NEAREST, InputSpec.Layout.NHWC);

    private final MesoNet model;
    private final ScoreDecision decision;

    /** Wraps a model in evaluation mode; {@code decision} may be null (an uncalibrated bundle). */
    public MesoNetScoringModel(MesoNet model, ScoreDecision decision) {
        this.model = model;
        this.decision = decision;
        model.eval();
    }

    public MesoNet model() {
        return model;
    }

    @Override
    public String modelType() {
        return MesoNetFamily.MODEL_TYPE;
    }

    @Override
    public InputSpec inputSpec() {
        return SPEC;
    }

    @Override
    public Polarity polarity() {
        return Polarity.REAL_PROBABILITY;
    }

    @Override
    public Backend backend() {
        return Backend.of(model.stateDict().values().iterator().next());
    }

    @Override
    public Optional<ScoreDecision> decision() {
        return Optional.ofNullable(decision);
    }

    /** Nearest resize to 256 x 256, then each [-1, 1] value back to its 8-bit level, divided by 255 (exact). */
    @Override
    public FloatImage preprocess(FloatImage image) {
        FloatImage resized = ImageOps.resizeNearest(image, SPEC.height(), SPEC.width());
        float[] d = resized.data();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = ImageOps.toByte(d[i]) / 255f;
        }
        return new FloatImage(resized.channels(), resized.height(), resized.width(), out);
    }

    @Override
    public List<Scored> score(List<FloatImage> inputs, ScoringRequest request) {
        float[] real = model.predict(ImageBatches.stack(backend(), inputs));
        List<Scored> out = new ArrayList<>(real.length);
        for (float p : real) {
            out.add(Scored.of(p));
        }
        return out;
    }
}
