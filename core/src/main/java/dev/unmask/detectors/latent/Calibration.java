package dev.unmask.detectors.latent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.metrics.ScoreNormaliser;

/**
 * Everything calibration decides for a latent-restoration detector, as stored in a model bundle: the latent
 * NLL thresholds, the decision threshold on the {@link SampleScore} (a sample is called fake iff
 * {@code score >= threshold.value()}) and the map of scores to [0, 1] with that threshold at 0.5.
 *
 * @param latent     lambdaS and lambdaP
 * @param threshold  the decision threshold on sample scores
 * @param normaliser maps sample scores to [0, 1]; its threshold equals {@code threshold.value()}
 */
public record Calibration(LatentThresholds latent, DecisionThreshold threshold, ScoreNormaliser normaliser) {
    /** The {@code format} field of the JSON form. */
    public static final String FORMAT = "unmask-calibration";
    /** The {@code version} field of the JSON form written by this class. */
    public static final int VERSION = 1;


    public Calibration {
        if (latent == null || threshold == null || normaliser == null) {
            throw new IllegalArgumentException("latent, threshold and normaliser must not be null");
        }
        if (normaliser.threshold() != threshold.value()) {
            throw new IllegalArgumentException("the normaliser's threshold " + normaliser.threshold()
                    + " differs from the decision threshold " + threshold.value());
        }
    }

    /**
     * A calibration whose normaliser is {@link ScoreNormaliser#fit} to {@code calibrationScores} (the
     * sample scores the threshold was chosen on) and the threshold's value.
     */
    public static Calibration fit(LatentThresholds latent, DecisionThreshold threshold, double[] calibrationScores) {
        return new Calibration(latent, threshold, ScoreNormaliser.fit(calibrationScores, threshold.value()));
    }

    public double lambdaS() {
        return latent.lambdaS();
    }

    public double lambdaP() {
        return latent.lambdaP();
    }

    /** Whether a sample score is called fake: {@code score >= threshold.value()}. */
    public boolean isFake(double sampleScore) {
        return sampleScore >= threshold.value();
    }

    /** The sample score mapped to [0, 1]; at least 0.5 iff {@link #isFake}. */
    public double normalise(double sampleScore) {
        return normaliser.normalise(sampleScore);
    }

    /** The generic decision (threshold and normaliser) every family's bundle carries. */
    public ScoreDecision decision() {
        return new ScoreDecision(threshold, normaliser);
    }

    /**
     * This calibration as a JSON object: {@link ScoreDecision}'s fields plus {@code lambdaS} and {@code lambdaP}.
     * Non-finite numbers (an infinite lambda, the NaN parameter of a non-percentile threshold) are written as
     * strings ({@link BundleJson#putNumber}).
     */
    public String toJson() {
        ObjectNode root = BundleJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        BundleJson.putNumber(root, "lambdaS", latent.lambdaS());
        BundleJson.putNumber(root, "lambdaP", latent.lambdaP());
        decision().writeTo(root);
        return root.toString();
    }

    /** Reads the form written by {@link #toJson()}; a missing or malformed field is an error naming it. */
    public static Calibration fromJson(String json) {
        JsonNode root = BundleJson.parseObject(json, "calibration");
        String what = "calibration JSON";
        if (!FORMAT.equals(BundleJson.field(root, "format", what).asText())) {
            throw new IllegalArgumentException("calibration JSON has format "
                    + BundleJson.abbreviate(String.valueOf(root.get("format"))) + ", expected \"" + FORMAT + "\"");
        }
        JsonNode version = BundleJson.field(root, "version", what);
        if (!version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("unsupported calibration version " + BundleJson.abbreviate(version.toString())
                    + " (this library reads " + VERSION + ")");
        }
        ScoreDecision decision = ScoreDecision.readFrom(root);
        return new Calibration(
                new LatentThresholds(BundleJson.number(root, "lambdaS", what), BundleJson.number(root, "lambdaP", what)),
                decision.threshold(), decision.normaliser());
    }
}
