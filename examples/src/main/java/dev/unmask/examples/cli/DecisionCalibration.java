package dev.unmask.examples.cli;

import dev.unmask.DetectorFamilies;
import dev.unmask.backend.Backend;
import dev.unmask.data.FloatImage;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.detectors.ScoringModel;
import dev.unmask.detectors.SuspicionScores;
import dev.unmask.detectors.reconstruction.ReconstructionTraining;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.metrics.DecisionThreshold;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code calibrate} for the families whose calibration is a {@link ScoreDecision} alone (every family but latent
 * restoration): the decision threshold from the suspicion scores of held-out real images (by default their
 * {@value ReconstructionTraining#ONE_CLASS_PERCENT}th percentile, the one-class studies' choice), by hand, or the
 * F1-max threshold on a labelled folder; the normaliser fitted to the scores it was chosen on. The bundle is
 * written again with its tensors, config and other metadata unchanged and the new {@code calibration}.
 */
final class DecisionCalibration {
    private static final int BATCH = 16;

    private DecisionCalibration() {
    }

    /** Whether {@code calibrate} hands {@code bundle} to this class. */
    static boolean handles(ModelBundle bundle) {
        return !bundle.modelType().equals(dev.unmask.detectors.latent.LatentRestorationModel.MODEL_TYPE);
    }

    static void calibrate(ModelBundle bundle, Path file, Path target, List<Path> reals,
                          CalibrateCommand.ThresholdChoice choice, Backend backend) throws IOException {
        DetectorFamily family = DetectorFamilies.find(bundle.modelType()).orElseThrow(() -> new ModelBundleException(
                MessageText.refusal(file, "holds a " + MessageText.quote(bundle.modelType()) + " model; known: "
                        + String.join(", ", DetectorFamilies.modelTypes()))));
        ScoringModel model = family.load(bundle, file.toString(), backend);
        System.err.println("calibrating on " + reals.size() + " real images");
        double[] realScores = scores(model, reals);
        DecisionThreshold threshold;
        double[] fitted = realScores;
        if (choice.value != null) {
            threshold = DecisionThreshold.manual(choice.value);
        } else if (choice.validation != null) {
            List<Path> validationReals = ImageInputs.collect(List.of(CalibrateCommand.labelled(choice.validation, "real")));
            List<Path> validationFakes = ImageInputs.collect(List.of(CalibrateCommand.labelled(choice.validation, "fake")));
            List<Path> files = new ArrayList<>(validationReals);
            files.addAll(validationFakes);
            boolean[] labels = new boolean[files.size()];
            Arrays.fill(labels, validationReals.size(), labels.length, true);
            System.err.println("choosing the F1-max threshold on " + validationReals.size() + " real and "
                    + validationFakes.size() + " fake images");
            fitted = scores(model, files);
            threshold = DecisionThreshold.f1Max(fitted, labels);
        } else {
            double percent = choice.percent != null ? choice.percent : ReconstructionTraining.ONE_CLASS_PERCENT;
            threshold = DecisionThreshold.percentileOfReal(realScores, new boolean[realScores.length], percent);
        }
        ScoreDecision decision = ScoreDecision.fit(threshold, fitted);
        Map<String, String> meta = new LinkedHashMap<>(bundle.metadata());
        for (String reserved : List.of(ModelBundle.FORMAT_VERSION_KEY, ModelBundle.MODEL_TYPE_KEY, ModelBundle.CONFIG_KEY)) {
            meta.remove(reserved);
        }
        meta.put(ModelBundle.CALIBRATION_KEY, decision.toJson());
        ModelBundle.write(target, bundle.modelType(), bundle.configJson(), bundle.stateDict(backend), meta);
        System.out.printf(Locale.ROOT, "threshold %.6g (%s); wrote %s%n", threshold.value(), threshold.method(), target);
    }

    /** The suspicion scores of image files, read and prepared as the family does, {@value #BATCH} at a time. */
    private static double[] scores(ScoringModel model, List<Path> files) {
        InputSpec spec = model.inputSpec();
        int per = spec.channels() * spec.height() * spec.width();
        Progress.Counter progress = Progress.counter(System.err, "images", files.size());
        double[] out = new double[files.size()];
        for (int start = 0; start < files.size(); start += BATCH) {
            int count = Math.min(BATCH, files.size() - start);
            float[] inputs = new float[count * per];
            for (int k = 0; k < count; k++) {
                FloatImage image = ImageInputs.read(files.get(start + k), spec.channels(),
                        Math.max(spec.height(), spec.width()));
                System.arraycopy(model.preprocess(image).data(), 0, inputs, k * per, per);
            }
            System.arraycopy(SuspicionScores.of(model, inputs, BATCH), 0, out, start, count);
            progress.advance(count);
        }
        return out;
    }
}
