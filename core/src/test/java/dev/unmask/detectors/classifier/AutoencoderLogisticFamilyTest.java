package dev.unmask.detectors.classifier;

import dev.unmask.Detection;
import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.ImageBatches;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.Scored;
import dev.unmask.detectors.ScoringRequest;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.autoencoder.AutoencoderClassifier;
import dev.unmask.models.autoencoder.AutoencoderConfig;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.Trainer;
import dev.unmask.train.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ae-logistic} family: the score is the softmax fake probability of the head's logits (computed here
 * in double), bundles score bit for bit as the model they were written from, both training stages lower their
 * losses and resume bit-exactly, the F1-max decision equals a brute-force search, hostile bundles are refused.
 */
class AutoencoderLogisticFamilyTest {
    private static final Backend BACKEND = Backends.defaultBackend();
    private static final int SIZE = 16;
    private static final AutoencoderLogisticConfig CONFIG = AutoencoderLogisticConfig.study(
            new AutoencoderConfig(3, SIZE, SIZE, 6, 5, 4));
    private static final int PER = 3 * SIZE * SIZE;

    @TempDir
    Path dir;

    private static AutoencoderLogisticModel fresh() {
        return AutoencoderLogisticModel.create(CONFIG, 3, BACKEND);
    }

    /** {@code n} synthetic faces, every second one manipulated, as model inputs; labels in {@code labels}. */
    private static float[] faces(AutoencoderLogisticScoringModel scoring, int n, int[] labels) {
        SynthFaces faces = new SynthFaces(5, 32, 0);
        float[] out = new float[n * PER];
        for (int i = 0; i < n; i++) {
            boolean fake = i % 2 == 1;
            FloatImage image = fake ? faces.manipulate(i, dev.unmask.data.Manipulation.COLOUR_MISMATCH,
                    dev.unmask.data.FaceRegion.MOUTH).image() : faces.face(i);
            labels[i] = fake ? AutoencoderClassifier.FAKE : AutoencoderClassifier.REAL;
            System.arraycopy(scoring.preprocess(image).data(), 0, out, i * PER, PER);
        }
        return out;
    }

    @Test
    void theScoreIsTheSoftmaxFakeProbabilityAndSurvivesTheBundle() throws IOException {
        AutoencoderLogisticModel model = fresh();
        AutoencoderLogisticScoringModel scoring = new AutoencoderLogisticScoringModel(model);
        assertEquals(new InputSpec(3, SIZE, SIZE, InputSpec.PixelRange.ZERO_TO_ONE, InputSpec.Resize.BILINEAR,
                InputSpec.Layout.NCHW), scoring.inputSpec());
        int[] labels = new int[4];
        float[] data = faces(scoring, 4, labels);
        List<FloatImage> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inputs.add(new FloatImage(3, SIZE, SIZE, java.util.Arrays.copyOfRange(data, i * PER, (i + 1) * PER)));
        }
        List<Scored> scored = scoring.score(inputs, ScoringRequest.DEFAULTS);
        float[] logits;
        try (NoGrad scope = NoGrad.enter()) {
            logits = model.classifier().logits(ImageBatches.stack(BACKEND, inputs)).value().toFloatArray();
        }
        for (int k = 0; k < 4; k++) {
            double real = logits[2 * k];
            double fake = logits[2 * k + 1];
            double expected = 1 / (1 + Math.exp(real - fake));
            assertEquals(expected, scored.get(k).rawScore(), 1e-6, "image " + k);
        }

        Path file = dir.resolve("ae.safetensors");
        model.save(file);
        try (Detector detector = Detector.load(file, BACKEND)) {
            assertEquals(AutoencoderLogisticModel.MODEL_TYPE, detector.modelType());
            assertEquals(0.5, detector.decision().threshold().value());
            List<Detection> again = detector.detectAll(inputs, DetectionOptions.DEFAULTS);
            for (int k = 0; k < 4; k++) {
                assertEquals(scored.get(k).rawScore(), again.get(k).rawScore(), 0, "bit for bit");
            }
        }
        ModelBundle bundle = ModelBundle.read(file);
        assertTrue(bundle.stateDict(BACKEND).containsKey("decoder.6.weight"), "the decoder is kept");
        assertTrue(bundle.stateDict(BACKEND).containsKey("head.weight"));
    }

    @Test
    void bothStagesLowerTheirLossesAndResumeBitExactly() throws IOException {
        int n = 16;
        int[] labels = new int[n];
        float[] data = faces(new AutoencoderLogisticScoringModel(fresh()), n, labels);
        AutoencoderLogisticModel model = fresh();
        Tensor all = BACKEND.fromFloats(data, Shape.of(n, 3, SIZE, SIZE));
        Tensor y = BACKEND.fromInts(labels, Shape.of(n));
        double mseBefore;
        double ceBefore;
        try (NoGrad scope = NoGrad.enter()) {
            mseBefore = model.autoencoder().forward(all).loss().value().item();
            ceBefore = model.classifier().forward(all, y).loss().value().item();
        }
        AutoencoderLogisticTraining.pretrain(model, data, TrainingSettings.of(40, 8, 3e-3, 1));
        AutoencoderLogisticTraining.trainClassifier(model, data, labels, TrainingSettings.of(40, 8, 3e-3, 2));
        try (NoGrad scope = NoGrad.enter()) {
            double mseAfter = model.autoencoder().forward(all).loss().value().item();
            double ceAfter = model.classifier().forward(all, y).loss().value().item();
            assertTrue(mseAfter < 0.8 * mseBefore, "MSE " + mseBefore + " -> " + mseAfter);
            assertTrue(ceAfter < ceBefore, "CE + penalty " + ceBefore + " -> " + ceAfter);
        }

        AutoencoderLogisticModel straight = fresh();
        AutoencoderLogisticTraining.trainClassifier(straight, data, labels, TrainingSettings.of(4, 4, 1e-3, 5));
        Path folder = dir.resolve("classifier");
        AutoencoderLogisticTraining.trainClassifier(fresh(), data, labels,
                new TrainingSettings(2, 4, 1e-3, 5, folder, 2, new Trainer.Listener() {
                }));
        AutoencoderLogisticModel resumed = fresh();
        AutoencoderLogisticTraining.trainClassifier(resumed, data, labels,
                new TrainingSettings(4, 4, 1e-3, 5, folder, 2, new Trainer.Listener() {
                }));
        Map<String, Tensor> a = straight.stateDict();
        Map<String, Tensor> b = resumed.stateDict();
        a.forEach((name, t) -> assertArrayEquals(t.toFloatArray(), b.get(name).toFloatArray(), 0f, name));
    }

    @Test
    void atTheStudysWidthsTheKerasInitialisationLetsTheAutoencoderLearn() throws IOException {
        AutoencoderLogisticModel model = AutoencoderLogisticModel.create(AutoencoderLogisticConfig.study(
                AutoencoderConfig.study().withSize(SIZE, SIZE)), 7, BACKEND);
        int[] labels = new int[16];
        float[] data = faces(new AutoencoderLogisticScoringModel(model), 16, labels);
        Tensor all = BACKEND.fromFloats(data, Shape.of(16, 3, SIZE, SIZE));
        double before;
        try (NoGrad scope = NoGrad.enter()) {
            float[] reconstruction = model.autoencoder().forward(all).reconstruction().value().toFloatArray();
            int positive = 0;
            for (float v : reconstruction) {
                positive += v > 0 ? 1 : 0;
            }
            // with PyTorch's default initialisation the output is about the last bias alone: 0 everywhere when it is negative
            assertTrue(positive > reconstruction.length / 10, positive + " of " + reconstruction.length + " positive");
            before = model.autoencoder().forward(all).loss().value().item();
        }
        AutoencoderLogisticTraining.pretrain(model, data, TrainingSettings.of(30, 8, 1e-3, 1));
        try (NoGrad scope = NoGrad.enter()) {
            double after = model.autoencoder().forward(all).loss().value().item();
            assertTrue(after < 0.5 * before, "MSE " + before + " -> " + after);
        }
        for (float b : AutoencoderLogisticModel.create(CONFIG, 3, BACKEND).stateDict().get("decoder.6.bias").toFloatArray()) {
            assertEquals(0f, b, "biases start at zero");
        }
    }

    @Test
    void theF1MaxDecisionEqualsABruteForceSearch() {
        AutoencoderLogisticModel model = fresh();
        AutoencoderLogisticScoringModel scoring = new AutoencoderLogisticScoringModel(model);
        int n = 12;
        int[] labels = new int[n];
        float[] data = faces(scoring, n, labels);
        boolean[] fake = new boolean[n];
        for (int i = 0; i < n; i++) {
            fake[i] = labels[i] == AutoencoderClassifier.FAKE;
        }
        double chosen = AutoencoderLogisticTraining.calibrateF1Max(model, data, fake).threshold().value();
        double[] scores = dev.unmask.detectors.SuspicionScores.of(scoring, data, 5);
        double best = -1;
        for (double t : scores) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < n; i++) {
                boolean called = scores[i] >= t;
                tp += called && fake[i] ? 1 : 0;
                fp += called && !fake[i] ? 1 : 0;
                fn += !called && fake[i] ? 1 : 0;
            }
            best = Math.max(best, 2.0 * tp / (2 * tp + fp + fn));
        }
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < n; i++) {
            boolean called = scores[i] >= chosen;
            tp += called && fake[i] ? 1 : 0;
            fp += called && !fake[i] ? 1 : 0;
            fn += !called && fake[i] ? 1 : 0;
        }
        assertEquals(best, 2.0 * tp / (2 * tp + fp + fn), 1e-12, "F1 at the chosen threshold is the best F1");
    }

    @Test
    void hostileBundlesAreRefusedWithAMessage() throws IOException {
        AutoencoderLogisticModel model = fresh();
        Map<String, Tensor> state = model.stateDict();
        Path file = dir.resolve("hostile.safetensors");
        String wide = BundleJson.MAPPER.writeValueAsString(new AutoencoderLogisticConfig(
                new AutoencoderConfig(3, 4096, 4096, 6, 5, 4000), 0.01f, 0.1f));
        ModelBundle.write(file, AutoencoderLogisticModel.MODEL_TYPE, wide, state, Map.of());
        ModelBundleException e = assertThrows(ModelBundleException.class, () -> Detector.load(file, BACKEND));
        assertTrue(e.getMessage().contains("does not fit the stored tensors") && e.getMessage().length() < 300,
                e.getMessage());

        Map<String, Tensor> extra = new LinkedHashMap<>(state);
        extra.put("head2.weight", state.get("head.weight"));
        ModelBundle.write(file, AutoencoderLogisticModel.MODEL_TYPE, BundleJson.MAPPER.writeValueAsString(CONFIG), extra,
                Map.of());
        e = assertThrows(ModelBundleException.class, () -> Detector.load(file, BACKEND));
        assertTrue(e.getMessage().contains("head2.weight"), e.getMessage());

        ModelBundle.write(file, AutoencoderLogisticModel.MODEL_TYPE, "{\"autoencoder\": null, \"l1\": 0, \"l2\": 0}",
                state, Map.of());
        e = assertThrows(ModelBundleException.class, () -> Detector.load(file, BACKEND));
        assertTrue(e.getMessage().contains("config"), e.getMessage());
    }
}
