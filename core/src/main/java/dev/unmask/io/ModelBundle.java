package dev.unmask.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.unmask.backend.Backend;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
 * Reading checks every rule of the safetensors format ({@link SafetensorsReader}) and then these entries,
 * each JSON entry at most {@value #MAX_JSON_CHARS} characters, and refuses a bundle with a NaN or infinite
 * value in any floating-point tensor (a poisoned model would score every image as real): the failure is a
 * {@link ModelBundleException} whose one-line message names the source and the entry or tensor. Bundles
 * are read from files, from byte arrays and from size-capped streams (a class-path resource) by the same
 * rules.
 */
public final class ModelBundle {
    /** The layout this code writes; reading accepts versions 1 to this one. */
    public static final int FORMAT_VERSION = 1;
    public static final String FORMAT_VERSION_KEY = "format_version";
    public static final String MODEL_TYPE_KEY = "model_type";
    public static final String CONFIG_KEY = "config";
    public static final String CALIBRATION_KEY = "calibration";
    public static final String THRESHOLDS_KEY = "thresholds";

    /** Longest {@code config}, {@code calibration} or {@code thresholds} JSON accepted, in characters. */
    public static final int MAX_JSON_CHARS = 1 << 20;

    private static final List<String> REQUIRED = List.of(FORMAT_VERSION_KEY, MODEL_TYPE_KEY, CONFIG_KEY,
            CALIBRATION_KEY, THRESHOLDS_KEY);
    private static final String JSON_NULL = "null";
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;
    private final int formatVersion;
    private final String modelType;
    private final String configJson;
    private final String calibrationJson;
    private final String thresholdsJson;
    private final Map<String, String> metadata;
    private final SafetensorsContent content;

    private ModelBundle(String source, int formatVersion, String modelType, String configJson,
                        String calibrationJson, String thresholdsJson, SafetensorsContent content) {
        this.source = source;
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
     * @throws SafetensorsFormatException when the file is not a regular file or breaks the safetensors format
     * @throws ModelBundleException when a required entry is missing or malformed, the format version is
     *     unknown or newer than {@value #FORMAT_VERSION}, or a tensor holds a NaN or an infinity
     */
    public static ModelBundle read(Path file) throws IOException {
        return validate(SafetensorsReader.read(file), file.toString());
    }

    /**
     * Reads and validates a bundle that must hold a model of {@code expectedType}.
     *
     * @throws ModelBundleException when it holds another type (the message names both)
     */
    public static ModelBundle read(Path file, String expectedType) throws IOException {
        return read(file).requireType(expectedType);
    }

    /** As {@link #read(Path)} for a bundle held in memory; messages name it {@code source}. */
    public static ModelBundle read(byte[] bytes, String source) throws IOException {
        return validate(SafetensorsReader.read(bytes, source), source);
    }

    /**
     * As {@link #read(Path)} for a stream of at most {@code maxBytes} bytes (see
     * {@link SafetensorsReader#read(InputStream, String, long)}), read to its end and not closed; messages
     * name it {@code source}. A bundle on the class path:
     * <pre>{@code
     * try (InputStream in = Foo.class.getResourceAsStream("/models/x.safetensors")) {
     *     ModelBundle bundle = ModelBundle.read(in, "classpath:/models/x.safetensors", 64 << 20);
     * }
     * }</pre>
     */
    public static ModelBundle read(InputStream in, String source, long maxBytes) throws IOException {
        return validate(SafetensorsReader.read(in, source, maxBytes), source);
    }

    /**
     * This bundle, when it holds a model of {@code expectedType}.
     *
     * @throws ModelBundleException when it holds another type (the message names both)
     */
    public ModelBundle requireType(String expectedType) throws ModelBundleException {
        if (!modelType.equals(expectedType)) {
            throw error("holds a " + MessageText.quote(modelType) + " model, expected "
                    + MessageText.quote(expectedType));
        }
        return this;
    }

    private static ModelBundle validate(SafetensorsContent content, String source) throws ModelBundleException {
        Map<String, String> meta = content.metadata();
        List<String> missing = REQUIRED.stream().filter(k -> !meta.containsKey(k)).toList();
        if (missing.contains(FORMAT_VERSION_KEY)) {
            throw error(source, "not a model bundle (no '" + FORMAT_VERSION_KEY
                    + "' in __metadata__; a plain state dict can be imported instead)");
        }
        int version = formatVersion(source, meta.get(FORMAT_VERSION_KEY));
        if (!missing.isEmpty()) {
            throw error(source, "__metadata__ lacks the required entries " + missing);
        }
        String type = meta.get(MODEL_TYPE_KEY);
        if (type.isBlank()) {
            throw error(source, "'" + MODEL_TYPE_KEY + "' is blank");
        }
        try {
            requireJson(meta.get(CONFIG_KEY), CONFIG_KEY, true);
            requireJson(meta.get(CALIBRATION_KEY), CALIBRATION_KEY, false);
            requireJson(meta.get(THRESHOLDS_KEY), THRESHOLDS_KEY, false);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        requireFinite(content, source);
        return new ModelBundle(source, version, type, meta.get(CONFIG_KEY), meta.get(CALIBRATION_KEY),
                meta.get(THRESHOLDS_KEY), content);
    }

    /** A model with a NaN or infinite weight gives NaN scores, which compare as "real": fail closed. */
    private static void requireFinite(SafetensorsContent content, String source) throws ModelBundleException {
        for (TensorEntry t : content.tensors()) {
            Optional<TensorEntry.NonFinite> bad = t.firstNonFinite();
            if (bad.isPresent()) {
                throw error(source, "tensor " + MessageText.quote(t.name()) + " holds " + bad.get().value()
                        + " at element " + bad.get().element() + "; a model with non-finite values is refused");
            }
        }
    }

    private static int formatVersion(String source, String value) throws ModelBundleException {
        int version;
        try {
            version = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ModelBundleException(MessageText.refusal(source, "'" + FORMAT_VERSION_KEY + "' is "
                    + MessageText.quote(value) + ", not an integer version"), e);
        }
        if (version > FORMAT_VERSION) {
            throw error(source, "bundle format version " + version + " is newer than this library reads (up to "
                    + FORMAT_VERSION + "); upgrade Unmask to read it");
        }
        if (version < 1) {
            throw error(source, "bundle format version " + version + " is unknown (versions start at 1)");
        }
        return version;
    }

    /**
     * Checks that {@code json} is one JSON value (an object when {@code object}) of at most
     * {@value #MAX_JSON_CHARS} characters, streaming through it without building a tree.
     */
    private static void requireJson(String json, String key, boolean object) {
        Objects.requireNonNull(json, key);
        if (json.length() > MAX_JSON_CHARS) {
            throw new IllegalArgumentException("'" + key + "' is " + json.length()
                    + " characters of JSON, over the limit of " + MAX_JSON_CHARS);
        }
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("'" + key + "' is empty, expected JSON");
            }
            if (object && first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("'" + key + "' must be a JSON object, got: "
                        + MessageText.excerpt(json));
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("'" + key + "' is not valid JSON: more after the first value, "
                        + "at character " + p.currentTokenLocation().getCharOffset());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'" + key + "' is not valid JSON: "
                    + MessageText.excerpt(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string failed", e);
        }
    }

    private ModelBundleException error(String problem) {
        return error(source, problem);
    }

    private static ModelBundleException error(String source, String problem) {
        return new ModelBundleException(MessageText.refusal(source, problem));
    }

    /** The name used for this bundle in messages: its file, or the source it was read from. */
    public String source() {
        return source;
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
        try {
            return content.toTensors(backend);
        } catch (SafetensorsFormatException e) {
            throw new SafetensorsFormatException(MessageText.refusal(source, e.getMessage()), e);
        }
    }

    private static Optional<String> nonNull(String json) {
        return JSON_NULL.equals(json.strip()) ? Optional.empty() : Optional.of(json);
    }
}
