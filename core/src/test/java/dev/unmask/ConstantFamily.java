package dev.unmask;

import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.data.ImageOps;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.OutputKey;
import dev.unmask.detectors.Outputs;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.io.ModelBundle;

import java.util.List;
import java.util.Optional;

/**
 * A test family found through {@link java.util.ServiceLoader} (META-INF/services in the test resources): its raw
 * score is the probability of being real, taken as the mean of the input's first channel mapped to [0, 1], so
 * the expected verdict of any input can be computed by hand.
 */
public final class ConstantFamily implements DetectorFamily {
    static final String TYPE = "test-mean-brightness";
    static final OutputKey<float[]> MEAN = new OutputKey<>("mean", float[].class);

    @Override
    public String modelType() {
        return TYPE;
    }

    @Override
    public String description() {
        return "test family: the probability of being real is the image's mean brightness";
    }

    @Override
    public ScoringModel load(ModelBundle bundle, String source, Backend backend) {
        return new Model(backend);
    }

    record Model(Backend backend) implements ScoringModel {
        @Override
        public String modelType() {
            return TYPE;
        }

        @Override
        public InputSpec inputSpec() {
            return new InputSpec(3, 4, 4, InputSpec.PixelRange.ZERO_TO_ONE, InputSpec.Resize.BILINEAR, InputSpec.Layout.NCHW);
        }

        @Override
        public Polarity polarity() {
            return Polarity.REAL_PROBABILITY;
        }

        @Override
        public Optional<ScoreDecision> decision() {
            return Optional.of(ScoreDecision.probability());
        }

        @Override
        public FloatImage preprocess(FloatImage image) {
            FloatImage small = ImageOps.resizeBilinear(image, 4, 4);
            float[] d = small.data().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = (d[i] + 1) / 2;
            }
            return new FloatImage(3, 4, 4, d);
        }

        @Override
        public List<Scored> score(List<FloatImage> inputs, ScoringRequest request) {
            return inputs.stream().map(image -> {
                double sum = 0;
                for (int i = 0; i < 16; i++) {
                    sum += image.data()[i];
                }
                return new Scored(sum / 16, null, Outputs.NONE.with(MEAN, new float[] {(float) (sum / 16)}));
            }).toList();
        }
    }
}
