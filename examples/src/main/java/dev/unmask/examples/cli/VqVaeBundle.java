package dev.unmask.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.detectors.latent.LatentRestorationModel;
import dev.unmask.backend.Backend;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.vqvae.VqVae;
import dev.unmask.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The file between {@code train-vqvae} and {@code train-prior}: a model bundle of type {@value #MODEL_TYPE}
 * holding the VQ-VAE's state dict under its own names and the config {@code {"preset": NAME, "vqvae": {...}}},
 * the preset naming the prior shape that fits the VQ-VAE.
 */
final class VqVaeBundle {
    static final String MODEL_TYPE = "vqvae";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private VqVaeBundle() {
    }

    /** Writes {@code vqvae} (atomically, see {@link ModelBundle#write}) with the name of its preset. */
    static void save(Path file, String preset, VqVae vqvae) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("preset", preset);
        config.set("vqvae", JSON.valueToTree(vqvae.config()));
        ModelBundle.write(file, MODEL_TYPE, config.toString(), vqvae.stateDict(), Map.of());
    }

    /**
     * A latent-restoration model with the stored VQ-VAE and a fresh prior of the stored preset, initialised
     * from {@code seed}, on {@code backend}.
     *
     * @throws ModelBundleException when the file holds another model type (the message names both), its
     *     config is malformed, or its tensors do not fit the config
     */
    static LatentRestorationModel load(Path file, long seed, Backend backend) throws IOException {
        ModelBundle bundle = ModelBundle.read(file, MODEL_TYPE);
        VqVaeConfig vqvaeConfig;
        Presets shapes;
        try {
            JsonNode config = JSON.readTree(bundle.configJson());
            JsonNode preset = config.get("preset");
            JsonNode vqvae = config.get("vqvae");
            if (preset == null || !preset.isTextual() || vqvae == null) {
                throw new IllegalArgumentException("the config needs a 'preset' name and a 'vqvae' object");
            }
            vqvaeConfig = JSON.treeToValue(vqvae, VqVaeConfig.class);
            shapes = Presets.of(preset.asText());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ModelBundleException(file + ": malformed vqvae config: " + e.getMessage(), e);
        }
        try {
            LatentRestorationModel model = LatentRestorationModel.create(vqvaeConfig, shapes.prior(), seed, backend);
            model.vqvae().loadStateDict(bundle.stateDict(backend));
            return model;
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(file + ": " + e.getMessage(), e);
        }
    }
}
