package dev.unmask.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained model in one {@code .safetensors} file: its state dict as tensors, and in
 * {@code __metadata__}:
 * <ul>
 *   <li>{@code format_version}: the bundle layout, a decimal integer ({@value #FORMAT_VERSION} now);</li>
 *   <li>{@code model_type}: what builds the model from the config ({@code "vqvae"}, {@code "pixelsnail"});</li>
 *   <li>{@code config}: the model's hyper-parameters, a JSON object;</li>
 *   <li>{@code calibration} and {@code thresholds}: JSON values, {@code null} until the model is
 *       calibrated;</li>
 *   <li>any other entries the writer adds (training notes, provenance), kept as strings.</li>
 * </ul>
 * Reading checks every rule of the safetensors format and then these entries, failing with a
 * {@link ModelBundleException} that names the file and the entry.
 */
public final class ModelBundle {
    /** The layout this code writes; reading accepts versions 1 to this one. */
    public static final int FORMAT_VERSION = 1;
    public static final String FORMAT_VERSION_KEY = "format_version";
    public static final String MODEL_TYPE_KEY = "model_type";
    public static final String CONFIG_KEY = "config";
    public static final String CALIBRATION_KEY = "calibration";
    public static final String THRESHOLDS_KEY = "thresholds";

    private static final List<String> REQUIRED = List.of(FORMAT_VERSION_KEY, MODEL_TYPE_KEY, CONFIG_KEY,
            CALIBRATION_KEY, THRESHOLDS_KEY);
    private static final String JSON_NULL = "null";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int formatVersion;
    private final String modelType;
    private final String configJson;
    private final String calibrationJson;
    private final String thresholdsJson;
    private final Map<String, String> metadata;
    private final SafetensorsContent content;

    private ModelBundle(int formatVersion, String modelType, String configJson, String calibrationJson,
                        String thresholdsJson, SafetensorsContent content) {
        this.formatVersion = formatVersion;
        this.modelType = modelType;
        this.configJson = configJson;
        this.calibrationJson = calibrationJson;
        this.thresholdsJson = thresholdsJson;
        this.metadata = content.metadata();
        this.content = content;
    }

    /**
     * Writes a bundle atomically (temporary file, forced to disk, renamed over {@code file}).
     *
     * @param modelType the model's type name, non-blank
     * @param configJson the model's configuration, a JSON object
     * @param stateDict the tensors to store, by name (a module's {@code stateDict()})
     * @param extraMetadata further {@code __metadata__} entries; {@code calibration} and
     *     {@code thresholds} among them must be JSON and are {@code null} when absent; the other reserved
     *     keys may not appear
     * @throws IllegalArgumentException on a blank type, invalid JSON, or a reserved key in
     *     {@code extraMetadata}
     */
    public static void write(Path file, String modelType, String configJson, Map<String, Tensor> stateDict,
                             Map<String, String> extraMetadata) throws IOException {
        Objects.requireNonNull(modelType, "model type");
        if (modelType.isBlank()) {
            throw new IllegalArgumentException("model type must not be blank");
        }
        requireJson(configJson, CONFIG_KEY, true);
        for (String reserved : List.of(FORMAT_VERSION_KEY, MODEL_TYPE_KEY, CONFIG_KEY)) {
            if (extraMetadata.containsKey(reserved)) {
                throw new IllegalArgumentException("extra metadata may not set '" + reserved
                        + "'; it is a parameter of ModelBundle.write");
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(extraMetadata);
        for (String key : List.of(CALIBRATION_KEY, THRESHOLDS_KEY)) {
            meta.putIfAbsent(key, JSON_NULL);
            requireJson(meta.get(key), key, false);
        }
        meta.put(FORMAT_VERSION_KEY, Integer.toString(FORMAT_VERSION));
        meta.put(MODEL_TYPE_KEY, modelType);
        meta.put(CONFIG_KEY, configJson);
        SafetensorsWriter writer = new SafetensorsWriter().metadata(meta);
        stateDict.forEach(writer::add);
        writer.write(file);
    }

    /**
     * Reads and validates a bundle of any model type.
     *
     * @throws SafetensorsFormatException when the file breaks the safetensors format
     * @throws ModelBundleException when a required entry is missing or malformed, or the format version
     *     is unknown or newer than {@value #FORMAT_VERSION}
     */
    public static ModelBundle read(Path file) throws IOException {
        SafetensorsContent content = SafetensorsReader.read(file);
        Map<String, String> meta = content.metadata();
        List<String> missing = REQUIRED.stream().filter(k -> !meta.containsKey(k)).toList();
        if (missing.contains(FORMAT_VERSION_KEY)) {
            throw new ModelBundleException(file + ": not a model bundle (no '" + FORMAT_VERSION_KEY
                    + "' in __metadata__; a plain state dict can be imported instead)");
        }
        int version = formatVersion(file, meta.get(FORMAT_VERSION_KEY));
        if (!missing.isEmpty()) {
            throw new ModelBundleException(file + ": __metadata__ lacks the required entries " + missing);
        }
        String type = meta.get(MODEL_TYPE_KEY);
        if (type.isBlank()) {
            throw new ModelBundleException(file + ": '" + MODEL_TYPE_KEY + "' is blank");
        }
        try {
            requireJson(meta.get(CONFIG_KEY), CONFIG_KEY, true);
            requireJson(meta.get(CALIBRATION_KEY), CALIBRATION_KEY, false);
            requireJson(meta.get(THRESHOLDS_KEY), THRESHOLDS_KEY, false);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(file + ": " + e.getMessage(), e);
        }
        return new ModelBundle(version, type, meta.get(CONFIG_KEY), meta.get(CALIBRATION_KEY),
                meta.get(THRESHOLDS_KEY), content);
    }

    /**
     * Reads and validates a bundle that must hold a model of {@code expectedType}.
     *
     * @throws ModelBundleException when it holds another type (the message names both)
     */
    public static ModelBundle read(Path file, String expectedType) throws IOException {
        ModelBundle bundle = read(file);
        if (!bundle.modelType.equals(expectedType)) {
            throw new ModelBundleException(file + ": holds a '" + bundle.modelType + "' model, expected '"
                    + expectedType + "'");
        }
        return bundle;
    }

    private static int formatVersion(Path file, String value) throws ModelBundleException {
        int version;
        try {
            version = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ModelBundleException(file + ": '" + FORMAT_VERSION_KEY + "' is '" + value
                    + "', not an integer version", e);
        }
        if (version > FORMAT_VERSION) {
            throw new ModelBundleException(file + ": bundle format version " + version + " is newer than this "
                    + "library reads (up to " + FORMAT_VERSION + "); upgrade Unmask to read it");
        }
        if (version < 1) {
            throw new ModelBundleException(file + ": bundle format version " + version + " is unknown (versions start at 1)");
        }
        return version;
    }

    private static void requireJson(String json, String key, boolean object) {
        Objects.requireNonNull(json, key);
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'" + key + "' is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("'" + key + "' is empty, expected JSON");
        }
        if (object && !node.isObject()) {
            throw new IllegalArgumentException("'" + key + "' must be a JSON object, got: " + json);
        }
    }

    public int formatVersion() {
        return formatVersion;
    }

    public String modelType() {
        return modelType;
    }

    /** The model's configuration, a JSON object. */
    public String configJson() {
        return configJson;
    }

    /** The calibration JSON, empty when it is {@code null} (not calibrated yet). */
    public Optional<String> calibrationJson() {
        return nonNull(calibrationJson);
    }

    /** The thresholds JSON, empty when it is {@code null}. */
    public Optional<String> thresholdsJson() {
        return nonNull(thresholdsJson);
    }

    /** Every {@code __metadata__} entry, the required ones included. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The stored tensors, backend-free. */
    public SafetensorsContent content() {
        return content;
    }

    /** The tensors converted onto {@code backend}, by name, ready for {@code Module.loadStateDict}. */
    public Map<String, Tensor> stateDict(Backend backend) throws SafetensorsFormatException {
        return content.toTensors(backend);
    }

    private static Optional<String> nonNull(String json) {
        return JSON_NULL.equals(json.strip()) ? Optional.empty() : Optional.of(json);
    }
}
