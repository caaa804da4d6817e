package dev.unmask.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.unmask.backend.Backend;
import dev.unmask.io.SafetensorsContent;
import dev.unmask.io.SafetensorsReader;
import dev.unmask.io.SafetensorsWriter;
import dev.unmask.io.TensorEntry;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to continue training exactly where it stopped: the model's state dict, the
 * optimizer's state tensors and step count, the learning-rate schedule's position, the state of the
 * trainer's random generator, the data position, and free-form metadata (a JSON object).
 *
 * <p>On disk it is one safetensors file: model tensors named {@code model.<name>}, optimizer tensors
 * {@code optimizer.<name>}, and {@code __metadata__} entries {@code format} ({@value #FORMAT}),
 * {@code checkpoint_version}, {@code step}, {@code optimizer_steps}, {@code schedule_step},
 * {@code rng_state}, {@code data_epoch}, {@code data_index}, {@code data_shuffle_seed} (decimal
 * integers, so every bit survives) and {@code metadata} (the JSON object). Writing is atomic (see
 * {@link SafetensorsWriter#write(Path)}).
 *
 * @param step training steps completed
 * @param model the model's state dict (parameters and buffers)
 * @param optimizer the optimizer's state tensors ({@link dev.unmask.optim.Optimizer#state()})
 * @param optimizerSteps the optimizer's step count ({@link dev.unmask.optim.Optimizer#steps()})
 * @param scheduleStep the step the learning-rate schedule is evaluated at next
 * @param rngState the trainer's {@link SplitMix64#state()}
 * @param data where the batch source stands
 * @param metadataJson a JSON object of free-form information (configuration, losses, git revision)
 */
public record Checkpoint(long step, Map<String, Tensor> model, Map<String, Tensor> optimizer, long optimizerSteps,
                         long scheduleStep, long rngState, DataPosition data, String metadataJson) {
    /** The {@code format} metadata value that marks a checkpoint file. */
    public static final String FORMAT = "unmask-checkpoint";
    /** The layout this code writes; reading accepts this version and older ones. */
    public static final int VERSION = 1;

    private static final String MODEL_PREFIX = "model.";
    private static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Checks the fields and keeps unmodifiable copies of the maps (the tensors themselves are not
     * copied: a checkpoint of live training state must be written before the next step changes it).
     *
     * @throws IllegalArgumentException on negative counts or metadata that is not a JSON object
     */
    public Checkpoint {
        Objects.requireNonNull(data, "data position");
        if (step < 0 || optimizerSteps < 0 || scheduleStep < 0) {
            throw new IllegalArgumentException("checkpoint step counts must be non-negative, got step " + step
                    + ", optimizer steps " + optimizerSteps + ", schedule step " + scheduleStep);
        }
        model = Collections.unmodifiableMap(new LinkedHashMap<>(model));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        requireJsonObject(metadataJson);
    }

    /** Writes this checkpoint atomically to {@code file}, replacing an existing file. */
    public void write(Path file) throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata("checkpoint_version", Integer.toString(VERSION))
                .metadata("step", Long.toString(step))
                .metadata("optimizer_steps", Long.toString(optimizerSteps))
                .metadata("schedule_step", Long.toString(scheduleStep))
                .metadata("rng_state", Long.toString(rngState))
                .metadata("data_epoch", Long.toString(data.epoch()))
                .metadata("data_index", Long.toString(data.index()))
                .metadata("data_shuffle_seed", Long.toString(data.shuffleSeed()))
                .metadata("metadata", metadataJson);
        model.forEach((name, t) -> writer.add(MODEL_PREFIX + name, t));
        optimizer.forEach((name, t) -> writer.add(OPTIMIZER_PREFIX + name, t));
        writer.write(file);
    }

    /**
     * Reads and validates a checkpoint, placing its tensors on {@code backend}.
     *
     * @throws CheckpointException when the file is not a checkpoint, comes from a newer version, lacks a
     *     field or holds a malformed one; the message names the file and the problem
     * @throws IOException when the file cannot be read or breaks the safetensors format
     */
    public static Checkpoint read(Path file, Backend backend) throws IOException {
        SafetensorsContent content = SafetensorsReader.read(file);
        Map<String, String> meta = content.metadata();
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw new CheckpointException(file + ": not a checkpoint (metadata 'format' is "
                    + (format == null ? "missing" : "'" + format + "'") + ", expected '" + FORMAT + "')");
        }
        long version = longField(file, meta, "checkpoint_version");
        if (version < 1 || version > VERSION) {
            throw new CheckpointException(file + ": checkpoint_version " + version + " is not supported (this code reads "
                    + "versions 1 to " + VERSION + "; a newer version needs a newer Unmask)");
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        for (TensorEntry e : content.tensors()) {
            if (e.name().startsWith(MODEL_PREFIX)) {
                model.put(e.name().substring(MODEL_PREFIX.length()), e.toTensor(backend));
            } else if (e.name().startsWith(OPTIMIZER_PREFIX)) {
                optimizer.put(e.name().substring(OPTIMIZER_PREFIX.length()), e.toTensor(backend));
            } else {
                throw new CheckpointException(file + ": tensor '" + e.name() + "' belongs to neither the model ("
                        + MODEL_PREFIX + ") nor the optimizer (" + OPTIMIZER_PREFIX + ")");
            }
        }
        String metadataJson = meta.get("metadata");
        if (metadataJson == null) {
            throw new CheckpointException(file + ": metadata entry 'metadata' is missing");
        }
        try {
            DataPosition data = new DataPosition(longField(file, meta, "data_epoch"),
                    longField(file, meta, "data_index"), longField(file, meta, "data_shuffle_seed"));
            return new Checkpoint(longField(file, meta, "step"), model, optimizer,
                    longField(file, meta, "optimizer_steps"), longField(file, meta, "schedule_step"),
                    longField(file, meta, "rng_state"), data, metadataJson);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": " + e.getMessage(), e);
        }
    }

    private static long longField(Path file, Map<String, String> meta, String key) throws CheckpointException {
        String value = meta.get(key);
        if (value == null) {
            throw new CheckpointException(file + ": metadata entry '" + key + "' is missing");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file + ": metadata entry '" + key + "' is '" + value
                    + "', not a decimal integer", e);
        }
    }

    private static void requireJsonObject(String json) {
        Objects.requireNonNull(json, "metadata JSON");
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint metadata is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("checkpoint metadata must be a JSON object, got: " + json);
        }
    }
}
