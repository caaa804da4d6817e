package dev.unmask.detectors.reconstruction;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.DetectorFamilies;
import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.OutputKey;
import dev.unmask.detectors.Polarity;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.vae.AsymmetricResNetVaeConfig;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.OutputActivation;
import dev.unmask.models.vae.ResNetStem;
import dev.unmask.models.vae.ResNetVaeConfig;
import dev.unmask.models.vae.VaeOutput;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-class VAE families: scores against the model's training forward run with zero noise (z = mu) and a
 * plain RMSE loop, the heat-map and extra outputs, the bundle round trip bit for bit through {@link Detector},
 * and hostile bundles refused with a message before anything large is allocated.
 */
class ReconstructionFamilyTest {
    /**
     * Float32 sums over a few hundred values in the model against a double loop here: relative rounding near
     * 1e-6 of the score.
     */
    private static final double SCORE_TOLERANCE = 1e-5;
    private static final Backend BACKEND = Backends.defaultBackend();

    @TempDir
    Path dir;

    /** A small model of each architecture. */
    static Record smallConfig(VaeArchitecture architecture) {
        return switch (architecture) {
            case OC_FAKEDECT_1 -> new OcFakeDectConfig(3, 16, 16, 4, 6, 8, 4, false, OutputActivation.SIGMOID);
            case OC_FAKEDECT_2 -> new OcFakeDectConfig(3, 16, 16, 4, 6, 8, 4, true, OutputActivation.SIGMOID);
            case RESNET18_VAE -> new ResNetVaeConfig(3, 16, 16, 4, 8, ResNetStem.SMALL, OutputActivation.LINEAR);
            case RESNET18_VAE_ASYM -> new AsymmetricResNetVaeConfig(3, 32, 32, 4, 16, 12, 8, 4, 4, 4,
                    OutputActivation.SIGMOID);
        };
    }

    static List<FloatImage> images(InputSpec spec, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<FloatImage> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            float[] d = new float[spec.channels() * spec.height() * spec.width()];
            for (int i = 0; i < d.length; i++) {
                d[i] = random.nextFloat() * 2 - 1;
            }
            out.add(new FloatImage(spec.channels(), spec.height(), spec.width(), d));
        }
        return out;
    }

    private static ReconstructionScoringModel scoring(VaeArchitecture architecture, long seed) {
        ReconstructionModel model = ReconstructionModel.create(architecture, smallConfig(architecture), seed, BACKEND);
        model.module().eval();
        return new ReconstructionScoringModel(model);
    }

    @ParameterizedTest
    @EnumSource(VaeArchitecture.class)
    void scoresAreTheRmseOfTheDeterministicReconstruction(VaeArchitecture architecture) {
        ReconstructionScoringModel scoring = scoring(architecture, 3);
        ReconstructionModel model = scoring.model();
        InputSpec spec = scoring.inputSpec();
        List<FloatImage> inputs = new ArrayList<>();
        for (FloatImage raw : images(new InputSpec(3, 40, 24, InputSpec.PixelRange.MINUS_ONE_TO_ONE,
                InputSpec.Resize.BILINEAR, InputSpec.Layout.NCHW), 3, 5)) {
            inputs.add(scoring.preprocess(raw));
        }
        List<Scored> scored = scoring.score(inputs, new ScoringRequest(true, 0, null));

        Tensor batch = dev.unmask.detectors.ImageBatches.stack(BACKEND, inputs);
        VaeOutput reference;
        try (NoGrad scope = NoGrad.enter()) {
            Shape latent = model.vae().latentShape(inputs.size());
            reference = model.vae().forward(batch, BACKEND.fromFloats(new float[latent.numel()], latent));
        }
        float[] x = batch.toFloatArray();
        float[] r = reference.reconstruction().value().toFloatArray();
        float[] mean = reference.mean().value().toFloatArray();
        float[] latentError = reference.latentError().value().toFloatArray();
        int per = spec.channels() * spec.height() * spec.width();
        int plane = spec.height() * spec.width();
        int latentSize = mean.length / inputs.size();
        for (int k = 0; k < inputs.size(); k++) {
            double expected;
            if (architecture == VaeArchitecture.OC_FAKEDECT_2) {
                expected = Math.sqrt(latentError[k] / latentSize);
            } else {
                double sum = 0;
                for (int i = 0; i < per; i++) {
                    double d = x[k * per + i] - r[k * per + i];
                    sum += d * d;
                }
                expected = Math.sqrt(sum / per);
            }
            Scored s = scored.get(k);
            assertEquals(expected, s.rawScore(), SCORE_TOLERANCE * expected, architecture + " image " + k);
            float[] heat = s.heatMap().data();
            for (int p = 0; p < plane; p++) {
                double sum = 0;
                for (int c = 0; c < spec.channels(); c++) {
                    double d = x[k * per + c * plane + p] - r[k * per + c * plane + p];
                    sum += d * d;
                }
                assertEquals(Math.sqrt(sum / spec.channels()), heat[p], 1e-5, "heat-map pixel " + p);
            }
            float[] ownMean = s.outputs().get(OutputKey.LATENT_MEAN).orElseThrow();
            assertArrayEquals(java.util.Arrays.copyOfRange(mean, k * latentSize, (k + 1) * latentSize), ownMean, 1e-6f);
            FloatImage reconstruction = s.outputs().get(OutputKey.RECONSTRUCTION).orElseThrow();
            assertArrayEquals(java.util.Arrays.copyOfRange(r, k * per, (k + 1) * per), reconstruction.data(), 1e-6f);
        }
        assertEquals(Polarity.HIGHER_IS_FAKE, scoring.polarity());
    }

    @Test
    void preprocessingMapsToTheModelsRange() {
        InputSpec sigmoid = scoring(VaeArchitecture.OC_FAKEDECT_1, 1).inputSpec();
        InputSpec linear = scoring(VaeArchitecture.RESNET18_VAE, 1).inputSpec();
        assertEquals(InputSpec.PixelRange.ZERO_TO_ONE, sigmoid.range());
        assertEquals(InputSpec.PixelRange.IMAGENET_NORMALISED, linear.range());
        FloatImage grey = new FloatImage(1, 16, 16, new float[256]);
        grey.data()[0] = 1;
        FloatImage x = scoring(VaeArchitecture.RESNET18_VAE, 1).preprocess(grey);
        assertEquals(3, x.channels());
        // level 255 in every channel of pixel 0, level 128 (the value 0 rounds to 127.5 -> 128) elsewhere
        assertEquals((1f - 0.485f) / 0.229f, x.data()[0], 1e-6);
        assertEquals((128 / 255f - 0.406f) / 0.225f, x.data()[2 * 256 + 1], 1e-6);
    }

    @ParameterizedTest
    @EnumSource(VaeArchitecture.class)
    void aBundleScoresBitForBitAsTheModelItWasWrittenFrom(VaeArchitecture architecture) throws IOException {
        ReconstructionScoringModel scoring = scoring(architecture, 11);
        scoring.model().setDecision(ScoreDecision.fit(DecisionThreshold.manual(0.3), new double[] {0.1, 0.5}));
        Path file = dir.resolve(architecture.modelType() + ".safetensors");
        scoring.model().save(file);
        List<FloatImage> inputs = new ArrayList<>();
        for (FloatImage raw : images(scoring.inputSpec(), 2, 9)) {
            inputs.add(scoring.preprocess(raw));
        }
        List<Scored> before = scoring.score(inputs, ScoringRequest.DEFAULTS);
        assertTrue(DetectorFamilies.find(architecture.modelType()).isPresent(), "registered");
        try (Detector detector = Detector.load(file, BACKEND)) {
            assertEquals(architecture.modelType(), detector.modelType());
            assertEquals(0.3, detector.decision().threshold().value());
            List<Detection> after = detector.detectAll(inputs, DetectionOptions.DEFAULTS);
            for (int k = 0; k < inputs.size(); k++) {
                assertEquals(before.get(k).rawScore(), after.get(k).rawScore(), 0, "bit for bit");
                assertTrue(after.get(k).output(OutputKey.LATENT_MEAN).isPresent());
            }
        }
    }

    private Path bundle(String modelType, String config, Map<String, Tensor> state) throws IOException {
        Path file = dir.resolve("hostile.safetensors");
        ModelBundle.write(file, modelType, config, state, Map.of());
        return file;
    }

    private String refusal(Path file) {
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(file, BACKEND));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void hostileBundlesAreRefusedWithAMessage() throws IOException {
        ReconstructionModel model = ReconstructionModel.create(VaeArchitecture.OC_FAKEDECT_1,
                smallConfig(VaeArchitecture.OC_FAKEDECT_1), 1, BACKEND);
        Map<String, Tensor> state = model.module().stateDict();
        String config = BundleJson.MAPPER.writeValueAsString(model.config());

        String wrongVariant = BundleJson.MAPPER.writeValueAsString(
                ((OcFakeDectConfig) model.config()).withSecondEncoder(true));
        assertTrue(refusal(bundle("oc-fakedect-1", wrongVariant, state)).contains("secondEncoder"));

        String huge = BundleJson.MAPPER.writeValueAsString(((OcFakeDectConfig) model.config()).withSize(1 << 20, 1 << 20));
        assertTrue(refusal(bundle("oc-fakedect-1", huge, state)).contains("exceeds"));

        String wide = BundleJson.MAPPER.writeValueAsString(((OcFakeDectConfig) model.config())
                .withChannels(100_000, 100_000, 8, 4));
        assertTrue(refusal(bundle("oc-fakedect-1", wide, state)).contains("does not fit the stored tensors"));

        Map<String, Tensor> missing = new LinkedHashMap<>(state);
        missing.remove("decoder.12.weight");
        assertTrue(refusal(bundle("oc-fakedect-1", config, missing)).contains("decoder.12.weight"));

        assertTrue(refusal(bundle("oc-fakedect-1", "{\"inChannels\": 3}", state)).contains("config"));
        assertTrue(refusal(bundle("resnet18-vae", config, state)).contains("config"));
    }
}
