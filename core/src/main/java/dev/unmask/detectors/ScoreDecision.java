package dev.unmask.detectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.metrics.DecisionThreshold;
import dev.unmask.metrics.ScoreNormaliser;

/**
 * The decision every family's bundle carries: an image is called fake iff its suspicion score
 * ({@link Polarity#suspicion}) is at least {@code threshold.value()}, and suspicion scores are mapped to [0, 1]
 * with that threshold at 0.5.
 *
 * <p>In a bundle's {@code calibration} JSON object they are the fields {@code "threshold"}
 * ({@code {"value", "method", "parameter"}}) and {@code "normaliser"} ({@code {"low", "threshold", "high"}});
 * a family may store more fields beside them (latent restoration's lambdas).
 */
public record ScoreDecision(DecisionThreshold threshold, ScoreNormaliser normaliser) {
    public ScoreDecision {
        if (threshold == null || normaliser == null) {
            throw new IllegalArgumentException("threshold and normaliser must not be null");
        }
        if (normaliser.threshold() != threshold.value()) {
            throw new IllegalArgumentException("the normaliser's threshold " + normaliser.threshold()
                    + " differs from the decision threshold " + threshold.value());
        }
    }

    /** A decision whose normaliser is fitted ({@link ScoreNormaliser#fit}) to the scores the threshold came from. */
    public static ScoreDecision fit(DecisionThreshold threshold, double[] calibrationScores) {
        return new ScoreDecision(threshold, ScoreNormaliser.fit(calibrationScores, threshold.value()));
    }

    /** The fixed decision of a probability of being fake: fake at 0.5 and above, normalised score = the probability. */
    public static ScoreDecision probability() {
        return new ScoreDecision(DecisionThreshold.manual(0.5), new ScoreNormaliser(0, 0.5, 1));
    }

    public boolean isFake(double suspicion) {
        return suspicion >= threshold.value();
    }

    public double normalise(double suspicion) {
        return normaliser.normalise(suspicion);
    }

    /** The {@code format} of a bundle's {@code calibration} that holds only a decision ({@link #toJson()}). */
    public static final String FORMAT = "unmask-decision";
    public static final int VERSION = 1;

    /** This decision alone as a bundle's {@code calibration} JSON ({@value #FORMAT}, version {@value #VERSION}). */
    public String toJson() {
        ObjectNode root = BundleJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        writeTo(root);
        return root.toString();
    }

    /**
     * The decision in a bundle's {@code calibration} JSON, of any family (the two fields, whatever else the
     * object holds).
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static ScoreDecision fromJson(String json) {
        return readFrom(BundleJson.parseObject(json, "calibration"));
    }

    /** Writes the two fields into {@code root}. */
    public void writeTo(ObjectNode root) {
        ObjectNode decision = root.putObject("threshold");
        BundleJson.putNumber(decision, "value", threshold.value());
        decision.put("method", threshold.method().name());
        BundleJson.putNumber(decision, "parameter", threshold.parameter());
        ObjectNode map = root.putObject("normaliser");
        BundleJson.putNumber(map, "low", normaliser.low());
        BundleJson.putNumber(map, "threshold", normaliser.threshold());
        BundleJson.putNumber(map, "high", normaliser.high());
    }

    /**
     * Reads the two fields from a {@code calibration} object.
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static ScoreDecision readFrom(JsonNode root) {
        String what = "calibration JSON";
        JsonNode decision = BundleJson.field(root, "threshold", what);
        JsonNode map = BundleJson.field(root, "normaliser", what);
        String method = BundleJson.field(decision, "method", what).asText();
        DecisionThreshold.Method parsedMethod;
        try {
            parsedMethod = DecisionThreshold.Method.valueOf(method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown threshold method '" + BundleJson.abbreviate(method) + "'", e);
        }
        return new ScoreDecision(
                new DecisionThreshold(BundleJson.number(decision, "value", what), parsedMethod,
                        BundleJson.number(decision, "parameter", what)),
                new ScoreNormaliser(BundleJson.number(map, "low", what), BundleJson.number(map, "threshold", what),
                        BundleJson.number(map, "high", what)));
    }
}
