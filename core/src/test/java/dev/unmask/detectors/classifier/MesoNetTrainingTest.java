package dev.unmask.detectors.classifier;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.models.mesonet.MesoNetArchitecture;
import dev.unmask.models.mesonet.MesoNetConfig;
import dev.unmask.models.mesonet.MesoNetGoldens;
import dev.unmask.models.mesonet.MesoNetWeights;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MesoNetTraining} against independent oracles: the losses and their gradients against PyTorch in float64
 * (make_mesonet_goldens.py), one step against a plain Adam written here, F1-max against a brute-force search, and
 * the behaviour of a run (learning, bit-exact resume, freezing, the bundle it writes).
 */
class MesoNetTrainingTest {
    /** As MesoNetTrainingGoldenTest: float32 against a float64 golden. */
    private static final double FORWARD_TOLERANCE = 1e-5;
    /** As MesoNetTrainingGoldenTest: sums over 131,072 positions per channel in the batch-norm backward. */
    private static final double GRADIENT_TOLERANCE = 1e-4;
    /**
     * A first Adam step moves each parameter by lr * g / (|g| + eps) (about lr); float32 arithmetic of the fused
     * step against double here differs by a few ulps of the parameter.
     */
    private static final double ADAM_TOLERANCE = 1e-6;
    private static final Backend BACKEND = Backends.defaultBackend();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(MesoNetTraining.Loss.class)
    void lossAndGradientsMatchPyTorch(MesoNetTraining.Loss loss) throws IOException {
        MesoNetGoldens golden = MesoNetGoldens.load(loss == MesoNetTraining.Loss.MSE ? "train_meso4" : "train_meso4_bce",
                BACKEND);
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights(golden.metadata("weights")),
                new MesoNetConfig(MesoNetArchitecture.MESO4, 0f), BACKEND);
        model.train();
        Tensor images = MesoNetGoldens.images(BACKEND, MesoNetGoldens.randomImages(Long.parseLong(golden.metadata("seed")), 2));
        Variable value = loss.of(model.logits(Variable.constant(images)), Variable.constant(golden.tensor("target")));
        MesoNetGoldens.assertClose("loss", golden.tensor("out.loss"), value.value(), FORWARD_TOLERANCE);
        value.backward();
        Map<String, Tensor> gradients = golden.withPrefix("grad.");
        Map<String, Parameter> parameters = model.namedParameters();
        assertEquals(gradients.keySet(), parameters.keySet());
        gradients.forEach((name, g) -> MesoNetGoldens.assertClose("gradient of " + name, g, parameters.get(name).grad(),
                GRADIENT_TOLERANCE));
    }

    @ParameterizedTest
    @EnumSource(MesoNetTraining.Freeze.class)
    void oneStepIsAPlainAdamStep(MesoNetTraining.Freeze freeze) throws IOException {
        MesoNetTrainingData data = separable(8, 3);
        MesoNetTrainingData.Split split = data.split(0.25, 5);
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights("Meso4_DF"),
                new MesoNetConfig(MesoNetArchitecture.MESO4, 0f), BACKEND);
        Map<String, Tensor> before = copy(model.stateDict());
        double rate = 2e-3;
        MesoNetTraining.Settings settings = new MesoNetTraining.Settings().steps(1).batchSize(4).learningRate(rate)
                .augment(false).freeze(freeze).seed(11);

        // the reference: the same first batch through a copy of the model, then Adam's first step in double
        MesoNet reference = copyOf(model);
        reference.train();
        if (freeze == MesoNetTraining.Freeze.FEATURES) {
            reference.evalFeatures();
        }
        MesoNetBatches.Batch batch = new MesoNetBatches(split.train(), 4, 11, null, BACKEND).next();
        MesoNetTraining.Loss.MSE.of(reference.logits(Variable.constant(batch.images())),
                Variable.constant(batch.real())).backward();

        MesoNetTraining.train(model, split.train(), split.validation(), settings);
        Map<String, Tensor> after = model.stateDict();
        Map<String, Parameter> gradients = reference.namedParameters();
        for (Map.Entry<String, Tensor> e : before.entrySet()) {
            String name = e.getKey();
            boolean trains = gradients.containsKey(name)
                    && (freeze == MesoNetTraining.Freeze.NONE || name.startsWith("fc"));
            if (!trains) {
                continue;
            }
            float[] p = e.getValue().toFloatArray();
            float[] g = gradients.get(name).grad().toFloatArray();
            float[] ours = after.get(name).toFloatArray();
            for (int i = 0; i < p.length; i++) {
                double m = (1 - 0.9) * g[i];
                double v = (1 - 0.999) * (double) g[i] * g[i];
                double expected = p[i] - rate * (m / (1 - 0.9)) / (Math.sqrt(v / (1 - 0.999)) + MesoNetTraining.ADAM_EPSILON);
                assertEquals(expected, ours[i], ADAM_TOLERANCE, name + "[" + i + "]");
            }
        }
    }

    @Test
    void freezingFeaturesLeavesEveryFeatureTensorBitIdentical() throws IOException {
        MesoNetTrainingData.Split split = separable(12, 4).split(0.25, 1);
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights("Meso4_DF"), BACKEND);
        Map<String, Tensor> before = copy(model.stateDict());
        MesoNetTraining.train(model, split.train(), split.validation(), new MesoNetTraining.Settings().steps(3)
                .batchSize(4).freeze(MesoNetTraining.Freeze.FEATURES).seed(2));
        Map<String, Tensor> after = model.stateDict();
        int features = 0;
        for (Map.Entry<String, Tensor> e : before.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("block")) {
                features++;
                assertArrayEquals(bits(e.getValue()), bits(after.get(name)), name + " is frozen");
            } else {
                assertFalse(java.util.Arrays.equals(bits(e.getValue()), bits(after.get(name))), name + " trains");
            }
        }
        // 4 blocks of conv weight and bias, and batch norm's weight, bias and three buffers
        assertEquals(4 * 7, features);
    }

    @Test
    void learnsASeparableSetAndWritesABundleThatScoresTheSame() throws IOException {
        MesoNetTrainingData.Split split = separable(48, 9).split(1 / 3.0, 2);
        // fine-tuning: from scratch, evaluation lags training for hundreds of steps while the batch-norm running
        // statistics move 1% per step (Keras' momentum 0.99), too slow for a unit test
        MesoNet model = MesoNetWeights.load(MesoNetGoldens.weights("Meso4_DF"), BACKEND);
        MesoNetTraining.Evaluation untrained = MesoNetTraining.evaluate(model, split.validation(), MesoNetTraining.Loss.MSE);
        List<MesoNetTraining.Validation> heard = new ArrayList<>();
        MesoNetTraining.Result result = MesoNetTraining.train(model, split.train(), split.validation(),
                new MesoNetTraining.Settings().steps(40).batchSize(8).seed(4).augment(false).onValidation(heard::add));

        MesoNetTraining.Validation last = result.history().get(result.history().size() - 1);
        assertEquals(heard, result.history());
        assertEquals(40, last.step());
        assertEquals(10, result.history().size(), "once per epoch of 32 images in batches of 8");
        assertTrue(untrained.accuracy() <= 0.75, "the untrained model's accuracy " + untrained.accuracy());
        assertTrue(last.auroc() >= 0.95, "validation AUROC " + last.auroc() + " (untrained " + untrained.auroc() + ")");
        assertTrue(last.accuracy() >= 0.9, "validation accuracy " + last.accuracy());
        assertTrue(last.loss() < untrained.loss(), "validation loss " + last.loss() + ", untrained " + untrained.loss());
        assertEquals(DecisionThreshold.Method.F1_MAX, result.decision().threshold().method());
        assertEquals(bruteForceF1Threshold(result.fakeProbabilities(), labels(split.validation())),
                result.decision().threshold().value());

        Path bundle = dir.resolve("trained.safetensors");
        MesoNetFamily.save(result.model(), result.decision(), Map.of("source", "test"), bundle);
        List<FloatImage> inputs = new ArrayList<>();
        for (int i = 0; i < split.validation().size(); i++) {
            inputs.add(split.validation().image(i));
        }
        try (Detector detector = Detector.load(bundle, BACKEND)) {
            List<FloatImage> prepared = inputs.stream().map(detector::prepare).toList();
            float[] direct = result.model().predict(dev.unmask.detectors.ImageBatches.stack(BACKEND, prepared));
            List<Detection> detections = detector.detectAll(prepared, DetectionOptions.DEFAULTS);
            assertEquals(result.decision(), detector.decision());
            for (int i = 0; i < direct.length; i++) {
                assertEquals(direct[i], detections.get(i).rawScore(), 0, "image " + i);
                assertEquals(1 - direct[i], result.fakeProbabilities()[i], 1e-6, "image " + i);
                assertEquals(result.decision().isFake(1 - (double) direct[i]), detections.get(i).fake(), "image " + i);
            }
        }
    }

    @Test
    void resumingFromACheckpointIsBitExact() throws IOException {
        MesoNetTrainingData.Split split = separable(20, 6).split(0.2, 3);
        MesoNetTraining.Settings straight = new MesoNetTraining.Settings().steps(6).batchSize(4).seed(8)
                .loss(MesoNetTraining.Loss.BCE);
        MesoNet uninterrupted = fresh();
        MesoNetTraining.train(uninterrupted, split.train(), split.validation(), straight);

        Path folder = dir.resolve("checkpoints");
        MesoNet first = fresh();
        MesoNetTraining.train(first, split.train(), split.validation(), new MesoNetTraining.Settings().steps(4)
                .batchSize(4).seed(8).loss(MesoNetTraining.Loss.BCE).checkpoints(folder, 2));
        MesoNet resumed = fresh();
        MesoNetTraining.train(resumed, split.train(), split.validation(), new MesoNetTraining.Settings().steps(6)
                .batchSize(4).seed(8).loss(MesoNetTraining.Loss.BCE).checkpoints(folder, 2));

        Map<String, Tensor> expected = uninterrupted.stateDict();
        Map<String, Tensor> actual = resumed.stateDict();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, t) -> assertArrayEquals(bits(t), bits(actual.get(name)), name));
        assertFalse(java.util.Arrays.equals(bits(expected.get("fc1.weight")), bits(first.stateDict().get("fc1.weight"))),
                "the resumed run trained past the checkpoint");

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () ->
                MesoNetTraining.train(fresh(), split.train(), split.validation(), new MesoNetTraining.Settings().steps(8)
                        .batchSize(4).seed(8).loss(MesoNetTraining.Loss.MSE).checkpoints(folder, 2)));
        assertTrue(other.getMessage().contains("loss BCE, this one has MSE"), other.getMessage());
    }

    @Test
    void f1MaxDecisionIsTheBruteForceOptimum() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(30);
            double[] scores = new double[n];
            boolean[] fake = new boolean[n];
            for (int i = 0; i < n; i++) {
                // coarse levels make ties common
                scores[i] = random.nextInt(8) / 8.0;
                fake[i] = random.nextBoolean();
            }
            fake[random.nextInt(n)] = true;
            ScoreDecision decision = MesoNetTraining.f1MaxDecision(scores, fake);
            assertEquals(bruteForceF1Threshold(scores, fake), decision.threshold().value(), "trial " + trial);
            assertEquals(0, decision.normaliser().low());
            assertEquals(1, decision.normaliser().high());
        }
    }

    @Test
    void splitIsStratifiedAndRefusesAMissingClass() {
        MesoNetTrainingData data = separable(10, 1);
        MesoNetTrainingData.Split split = data.split(0.2, 4);
        assertEquals(8, split.train().size());
        assertEquals(1, split.validation().fakeCount());
        assertEquals(2, split.validation().size());
        MesoNetTrainingData reals = new MesoNetTrainingData();
        for (int i = 0; i < 4; i++) {
            reals.add(data.image(0), false);
        }
        reals.add(data.image(1), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reals.split(0.2, 1));
        assertTrue(e.getMessage().contains("4 real and 1 fake"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MesoNetTrainingData().add(FloatImage.zeros(1, 8, 8), true));
    }

    @Test
    void batchesAreAFunctionOfTheirPositionAndTheSeed() {
        MesoNetTrainingData data = separable(8, 2);
        dev.unmask.data.TransformPipeline pipeline = new dev.unmask.data.TransformPipeline(3,
                MesoNetTraining.augmentation());
        MesoNetBatches a = new MesoNetBatches(data, 4, 9, pipeline, BACKEND);
        MesoNetBatches b = new MesoNetBatches(data, 4, 9, pipeline, BACKEND);
        float[] first = a.next().images().toFloatArray();
        float[] second = a.next().images().toFloatArray();
        float[] third = a.next().images().toFloatArray();
        b.seek(new dev.unmask.train.DataPosition(1, 0, 9));
        assertArrayEquals(third, b.next().images().toFloatArray(), "batch 0 of epoch 1 after a seek");
        assertFalse(java.util.Arrays.equals(first, second));
        FloatImage plain = data.image(0);
        FloatImage augmented = a.augmented(0, 0);
        assertFalse(java.util.Arrays.equals(plain.data(), augmented.data()), "augmentation changes the image");
        assertArrayEquals(augmented.data(), new MesoNetBatches(data, 4, 9, pipeline, BACKEND).augmented(0, 0).data());
    }

    /** The highest threshold among those of maximal F1, trying every score as a threshold (fake iff score >= t). */
    static double bruteForceF1Threshold(double[] scores, boolean[] fake) {
        double best = -1;
        double bestThreshold = Double.NaN;
        for (double t : scores) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < scores.length; i++) {
                boolean called = scores[i] >= t;
                if (called && fake[i]) {
                    tp++;
                } else if (called) {
                    fp++;
                } else if (fake[i]) {
                    fn++;
                }
            }
            double f1 = 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > best || (f1 == best && t > bestThreshold)) {
                best = f1;
                bestThreshold = t;
            }
        }
        return bestThreshold;
    }

    /**
     * {@code count} faces-sized images, half real and half fake: smooth random colour fields, the fake ones with a
     * checkerboard of 2-pixel cells over their centre (an upsampling artefact MesoNet's small kernels see at once).
     */
    static MesoNetTrainingData separable(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int side = 256;
        MesoNetTrainingData data = new MesoNetTrainingData();
        for (int n = 0; n < count; n++) {
            boolean fake = n % 2 == 1;
            float[] d = new float[3 * side * side];
            for (int c = 0; c < 3; c++) {
                double base = random.nextDouble(-0.6, 0.6);
                double gy = random.nextDouble(-0.3, 0.3);
                double gx = random.nextDouble(-0.3, 0.3);
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        double v = base + gy * (y / (double) side - 0.5) + gx * (x / (double) side - 0.5);
                        if (fake && y >= 64 && y < 192 && x >= 64 && x < 192) {
                            v += ((y / 2 + x / 2) % 2 == 0 ? 0.25 : -0.25);
                        }
                        d[(c * side + y) * side + x] = (float) v;
                    }
                }
            }
            data.add(new FloatImage(3, side, side, d), fake);
        }
        return data;
    }

    private static boolean[] labels(MesoNetTrainingData data) {
        boolean[] out = new boolean[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.isFake(i);
        }
        return out;
    }

    private static MesoNet fresh() {
        return MesoNet.create(MesoNetConfig.of(MesoNetArchitecture.MESO4), new ParameterInit(BACKEND, 12));
    }

    private static MesoNet copyOf(MesoNet model) {
        MesoNet copy = MesoNet.create(model.config(), new ParameterInit(BACKEND, 0));
        copy.loadStateDict(model.stateDict());
        return copy;
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((name, t) -> out.put(name, t.dtype() == DType.I32
                ? BACKEND.fromInts(t.toIntArray(), t.shape()) : BACKEND.fromFloats(t.toFloatArray(), t.shape())));
        return out;
    }

    private static int[] bits(Tensor t) {
        if (t.dtype() == DType.I32) {
            return t.toIntArray();
        }
        float[] f = t.toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }
}
