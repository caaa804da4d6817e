package dev.unmask.examples.cli;

import dev.unmask.DetectionOptions;
import dev.unmask.anomaly.Calibration;
import picocli.CommandLine.Option;

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
        return new DetectionOptions(heatMap, lambdaS, lambdaP, seed);
    }

    /** The lambda_s a run uses: the override, or the calibrated one. */
    double lambdaS(Calibration calibration) {
        return lambdaS != null ? lambdaS : calibration.lambdaS();
    }

    /** The lambda_p a run uses: the override, or the calibrated one. */
    double lambdaP(Calibration calibration) {
        return lambdaP != null ? lambdaP : calibration.lambdaP();
    }
}
