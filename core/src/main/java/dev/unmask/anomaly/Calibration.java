package dev.unmask.anomaly;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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

    /**
     * This calibration as a JSON object. Non-finite numbers (an infinite lambda, the NaN parameter of a
     * non-percentile threshold) are written as the strings {@code "Infinity"}, {@code "-Infinity"} and
     * {@code "NaN"}, since JSON has no literal for them.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        putNumber(root, "lambdaS", latent.lambdaS());
        putNumber(root, "lambdaP", latent.lambdaP());
        ObjectNode decision = root.putObject("threshold");
        putNumber(decision, "value", threshold.value());
        decision.put("method", threshold.method().name());
        putNumber(decision, "parameter", threshold.parameter());
        ObjectNode map = root.putObject("normaliser");
        putNumber(map, "low", normaliser.low());
        putNumber(map, "threshold", normaliser.threshold());
        putNumber(map, "high", normaliser.high());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write calibration JSON", e);
        }
    }

    /** Reads the form written by {@link #toJson()}; a missing or malformed field is an error naming it. */
    public static Calibration fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("calibration is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("calibration JSON must be an object");
        }
        if (!FORMAT.equals(field(root, "format").asText())) {
            throw new IllegalArgumentException("calibration JSON has format " + root.get("format") + ", expected \"" + FORMAT + "\"");
        }
        JsonNode version = field(root, "version");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("unsupported calibration version " + version + " (this library reads " + VERSION + ")");
        }
        JsonNode decision = field(root, "threshold");
        JsonNode map = field(root, "normaliser");
        String method = field(decision, "method").asText();
        DecisionThreshold.Method parsedMethod;
        try {
            parsedMethod = DecisionThreshold.Method.valueOf(method);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown threshold method '" + method + "'", e);
        }
        return new Calibration(
                new LatentThresholds(number(root, "lambdaS"), number(root, "lambdaP")),
                new DecisionThreshold(number(decision, "value"), parsedMethod, number(decision, "parameter")),
                new ScoreNormaliser(number(map, "low"), number(map, "threshold"), number(map, "high")));
    }

    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.put(name, Double.toString(value));
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("calibration JSON lacks the field '" + name + "'");
        }
        return value;
    }

    private static double number(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        String text = value.asText();
        return switch (text) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> throw new IllegalArgumentException("calibration field '" + name + "' is not a number: " + value);
        };
    }
}
