package dev.unmask.detectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON conventions of bundle metadata shared by every family: a strict mapper (duplicate keys and unknown
 * properties are errors) and numbers that may be infinite or NaN, written as the strings {@code "Infinity"},
 * {@code "-Infinity"} and {@code "NaN"} since JSON has no literal for them.
 */
public final class BundleJson {
    /** Strict: duplicate keys, unknown properties and trailing tokens are errors. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private BundleJson() {
    }

    /** Parses an object; {@code what} names it in the message of the {@link IllegalArgumentException}. */
    public static JsonNode parseObject(String json, String what) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(what + " JSON must be an object");
        }
        return root;
    }

    public static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.put(name, Double.toString(value));
        }
    }

    /** The non-null field {@code name}; {@code what} names the object in the message. */
    public static JsonNode field(JsonNode node, String name, String what) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(what + " lacks the field '" + name + "'");
        }
        return value;
    }

    /** A number written by {@link #putNumber}. */
    public static double number(JsonNode node, String name, String what) {
        JsonNode value = field(node, name, what);
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return switch (value.asText()) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> throw new IllegalArgumentException(what + " field '" + name + "' is not a number: "
                    + abbreviate(value.toString()));
        };
    }

    /** {@code text} cut to at most 200 characters, so that no echoed value floods a message. */
    public static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }
}
