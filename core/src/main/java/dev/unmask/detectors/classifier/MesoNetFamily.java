package dev.unmask.detectors.classifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.unmask.backend.Backend;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.DetectorFamily;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.mesonet.MesoNet;
import dev.unmask.models.mesonet.MesoNetConfig;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * MesoNet (Afchar et al. 2018) as a detector family. A bundle of type {@value #MODEL_TYPE} holds the model's
 * state dict ({@link MesoNet}'s names), {@code config} {@code {"architecture": "MESO4" | "MESO_INCEPTION4",
 * "dropout": p}} and a {@code calibration} with the {@link ScoreDecision}; the pretrained bundles decide at 0.5 on
 * the fake probability ({@link ScoreDecision#probability()}).
 */
public final class MesoNetFamily implements DetectorFamily {
    public static final String MODEL_TYPE = "mesonet";
    /** The initial values are all overwritten by the bundle's; any seed does. */
    private static final long UNUSED_SEED = 0;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public String description() {
        return "MesoNet (Meso-4, MesoInception-4): supervised on real and fake faces; probability of being fake "
                + "per face; the official pretrained weights ship with the library";
    }

    @Override
    public MesoNetScoringModel load(ModelBundle bundle, String source, Backend backend) throws IOException {
        if (!MODEL_TYPE.equals(bundle.modelType())) {
            throw new ModelBundleException(source + ": holds a '" + bundle.modelType() + "' model, expected '"
                    + MODEL_TYPE + "'");
        }
        MesoNetConfig config;
        ScoreDecision decision;
        try {
            config = BundleJson.MAPPER.readValue(bundle.configJson(), MesoNetConfig.class);
            decision = bundle.calibrationJson().map(ScoreDecision::fromJson).orElse(null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ModelBundleException(source + ": malformed MesoNet bundle: "
                    + BundleJson.abbreviate(e.getMessage()), e);
        }
        MesoNet model = MesoNet.create(config, new ParameterInit(backend, UNUSED_SEED));
        Map<String, Tensor> state = bundle.stateDict(backend);
        try {
            model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(source + ": " + BundleJson.abbreviate(e.getMessage()), e);
        }
        model.eval();
        return new MesoNetScoringModel(model, decision);
    }

    /**
     * Writes {@code model} as a bundle of this family with {@code decision}.
     *
     * @param provenance further metadata (where the weights come from, their licence)
     */
    public static void save(MesoNet model, ScoreDecision decision, Map<String, String> provenance, Path file)
            throws IOException {
        Map<String, String> meta = new java.util.LinkedHashMap<>(provenance);
        meta.put(ModelBundle.CALIBRATION_KEY, decision.toJson());
        ModelBundle.write(file, MODEL_TYPE, BundleJson.MAPPER.writeValueAsString(model.config()), model.stateDict(), meta);
    }
}
