package dev.unmask.examples.cli;

import dev.unmask.DetectionOptions;
import dev.unmask.Detector;
import dev.unmask.detectors.latent.Calibration;
import dev.unmask.detectors.latent.LatentOptions;
import dev.unmask.detectors.latent.LatentScoringModel;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-run overrides of a calibrated bundle's scoring parameters, shared by the commands that score
 * ({@code score}, {@code evaluate}): a picocli mixin.
 */
final class ScoringOverrides {
    @Option(names = "--lambda-s", description = "sample-score NLL threshold (default: calibrated); the verdict still "
            + "uses the calibrated decision threshold, fitted at the calibrated lambda_s")
    Double lambdaS;

    @Option(names = "--lambda-p", description = "restoration NLL threshold (default: calibrated)")
    Double lambdaP;

    @Option(names = "--seed", description = "restoration seed (default: ${DEFAULT-VALUE})")
    long seed;

    /** The detector's options with these overrides, with or without the heat-map. */
    DetectionOptions options(boolean heatMap) {
        return new DetectionOptions(heatMap, seed, new LatentOptions(lambdaS, lambdaP));
    }

    /** The lambda_s and lambda_p a run uses (the override or the calibrated one), for a latent-restoration detector. */
    Map<String, Object> describe(Detector detector) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (detector.model() instanceof LatentScoringModel latent) {
            Calibration calibration = latent.model().calibration().orElseThrow();
            out.put("lambda_s", (lambdaS != null ? lambdaS : calibration.lambdaS()) + (lambdaS != null ? " (override)" : " (calibrated)"));
            out.put("lambda_p", (lambdaP != null ? lambdaP : calibration.lambdaP()) + (lambdaP != null ? " (override)" : " (calibrated)"));
            out.put("restoration seed", seed);
        }
        return out;
    }
}
