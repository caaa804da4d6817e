package dev.unmask.detectors.reconstruction;

import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.data.FloatImage;
import dev.unmask.data.SynthFaces;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.OutputActivation;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;
import dev.unmask.train.DataSplit;
import dev.unmask.train.Trainer;
import dev.unmask.train.TrainingSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-class VAE training on synthetic faces: the loss falls, a run stopped at a checkpoint and resumed ends
 * with the bits of an uninterrupted one, and the default threshold is the 80th percentile of held-out real
 * scores (against a sorted-array oracle).
 */
class ReconstructionTrainingTest {
    private static final Backend BACKEND = Backends.defaultBackend();
    private static final int SIZE = 16;
    private static final OcFakeDectConfig CONFIG = new OcFakeDectConfig(3, SIZE, SIZE, 4, 6, 8, 4, false,
            OutputActivation.SIGMOID);

    @TempDir
    Path dir;

    /** {@code n} synthetic real faces as model inputs in [0, 1]. */
    static float[] faces(ReconstructionScoringModel scoring, int n) {
        SynthFaces faces = new SynthFaces(5, SIZE, 0);
        InputSpec spec = scoring.inputSpec();
        int per = spec.channels() * spec.height() * spec.width();
        float[] out = new float[n * per];
        for (int i = 0; i < n; i++) {
            System.arraycopy(scoring.preprocess(faces.face(i)).data(), 0, out, i * per, per);
        }
        return out;
    }

    /** The loss of every image with fixed noise, in evaluation mode (so that it measures the weights alone). */
    private static double fixedNoiseLoss(ReconstructionModel model, float[] images) {
        model.module().eval();
        int n = images.length / (3 * SIZE * SIZE);
        try (NoGrad scope = NoGrad.enter()) {
            Tensor batch = BACKEND.fromFloats(images, Shape.of(n, 3, SIZE, SIZE));
            return model.vae().forward(batch, new SplittableRandom(1)::nextLong).loss().value().item();
        }
    }

    private static ReconstructionModel fresh() {
        return ReconstructionModel.create(VaeArchitecture.OC_FAKEDECT_1, CONFIG, 3, BACKEND);
    }

    @Test
    void trainingLowersTheLoss() throws IOException {
        ReconstructionModel model = fresh();
        float[] images = faces(new ReconstructionScoringModel(model), 32);
        double before = fixedNoiseLoss(model, images);
        List<Double> losses = new ArrayList<>();
        TrainingSettings settings = new TrainingSettings(60, 8, 3e-3, 7, null, 60, new Trainer.Listener() {
            @Override
            public void onStep(Trainer.Progress progress) {
                losses.add(progress.loss());
            }
        });
        ReconstructionTraining.train(model, images, settings);
        double after = fixedNoiseLoss(model, images);
        assertEquals(60, losses.size());
        assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
        assertTrue(!model.module().isTraining(), "left in evaluation mode");
    }

    @Test
    void aResumedRunEndsWithTheBitsOfAnUninterruptedOne() throws IOException {
        float[] images = faces(new ReconstructionScoringModel(fresh()), 16);
        ReconstructionModel straight = fresh();
        ReconstructionTraining.train(straight, images, TrainingSettings.of(6, 4, 1e-3, 9));

        Path folder = dir.resolve("checkpoints");
        TrainingSettings half = new TrainingSettings(3, 4, 1e-3, 9, folder, 3, new Trainer.Listener() {
        });
        ReconstructionTraining.train(fresh(), images, half);
        ReconstructionModel resumed = fresh();
        ReconstructionTraining.train(resumed, images, new TrainingSettings(6, 4, 1e-3, 9, folder, 3,
                new Trainer.Listener() {
                }));

        Map<String, Tensor> a = straight.module().stateDict();
        Map<String, Tensor> b = resumed.module().stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> {
            if (t.dtype() == dev.unmask.tensor.DType.F32) {
                assertArrayEquals(t.toFloatArray(), b.get(name).toFloatArray(), 0f, name);
            } else {
                assertArrayEquals(t.toIntArray(), b.get(name).toIntArray(), name);
            }
        });
        float[] probe = Arrays.copyOf(images, 3 * SIZE * SIZE);
        assertTrue(fixedNoiseLoss(straight, probe) == fixedNoiseLoss(resumed, probe));
    }

    @Test
    void theDefaultThresholdIsThe80thPercentileOfHeldOutRealScores() {
        ReconstructionModel model = fresh();
        model.module().eval();
        ReconstructionScoringModel scoring = new ReconstructionScoringModel(model);
        float[] images = faces(scoring, 21);
        ScoreDecision decision = ReconstructionTraining.calibrate(model, images, ReconstructionTraining.ONE_CLASS_PERCENT);

        int per = 3 * SIZE * SIZE;
        double[] scores = new double[21];
        for (int i = 0; i < 21; i++) {
            FloatImage x = new FloatImage(3, SIZE, SIZE, Arrays.copyOfRange(images, i * per, (i + 1) * per));
            scores[i] = scoring.score(List.of(x), dev.unmask.detectors.ScoringRequest.DEFAULTS).get(0).rawScore();
        }
        Arrays.sort(scores);
        // numpy's linear percentile of 21 sorted values at 80: rank 0.8 * 20 = 16 exactly
        assertEquals(scores[16], decision.threshold().value(), 1e-7);
        assertEquals(DecisionThreshold.Method.PERCENTILE_OF_REAL, decision.threshold().method());
        assertEquals(80, decision.threshold().parameter());
        assertEquals(decision, model.decision().orElseThrow());
    }

    @Test
    void theDefaultSplitIs70Over15Over15AndCoversEverySampleOnce() {
        DataSplit split = DataSplit.of(100, 4);
        assertEquals(70, split.train().length);
        assertEquals(15, split.validation().length);
        assertEquals(15, split.test().length);
        boolean[] seen = new boolean[100];
        for (int[] part : new int[][] {split.train(), split.validation(), split.test()}) {
            for (int i : part) {
                assertTrue(!seen[i], "index " + i + " twice");
                seen[i] = true;
            }
        }
        assertArrayEquals(split.test(), DataSplit.of(100, 4).test(), "seeded");
        DataSplit tiny = DataSplit.of(2, 4);
        assertEquals(1, tiny.train().length);
        assertEquals(1, tiny.validation().length);
    }
}
