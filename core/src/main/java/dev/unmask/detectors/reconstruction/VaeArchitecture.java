package dev.unmask.detectors.reconstruction;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.unmask.detectors.BundleJson;
import dev.unmask.models.vae.AsymmetricResNetVae;
import dev.unmask.models.vae.AsymmetricResNetVaeConfig;
import dev.unmask.models.vae.OcFakeDect;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.ResNetVaeConfig;
import dev.unmask.models.vae.SymmetricResNetVae;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;

/**
 * The one-class VAEs that are detector families, each its own bundle {@code model_type} (the {@code config} is the
 * model's configuration record by component name):
 * <ul>
 *   <li>{@link #OC_FAKEDECT_1} ({@code oc-fakedect-1}): {@link OcFakeDect} without the second encoder,
 *       config {@link OcFakeDectConfig} with {@code secondEncoder} false; score RMSE(x, x');</li>
 *   <li>{@link #OC_FAKEDECT_2} ({@code oc-fakedect-2}): with it ({@code secondEncoder} true); score
 *       RMSE(mu(x), mu2(x'));</li>
 *   <li>{@link #RESNET18_VAE} ({@code resnet18-vae}): {@link SymmetricResNetVae}, config {@link ResNetVaeConfig};</li>
 *   <li>{@link #RESNET18_VAE_ASYM} ({@code resnet18-vae-asym}): {@link AsymmetricResNetVae}, config
 *       {@link AsymmetricResNetVaeConfig}.</li>
 * </ul>
 */
public enum VaeArchitecture {
    OC_FAKEDECT_1("oc-fakedect-1", OcFakeDectConfig.class),
    OC_FAKEDECT_2("oc-fakedect-2", OcFakeDectConfig.class),
    RESNET18_VAE("resnet18-vae", ResNetVaeConfig.class),
    RESNET18_VAE_ASYM("resnet18-vae-asym", AsymmetricResNetVaeConfig.class);

    private final String modelType;
    private final Class<? extends Record> configType;

    VaeArchitecture(String modelType, Class<? extends Record> configType) {
        this.modelType = modelType;
        this.configType = configType;
    }

    /** The bundle's {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    /** The architecture of {@code modelType}, or null. */
    public static VaeArchitecture ofModelType(String modelType) {
        for (VaeArchitecture a : values()) {
            if (a.modelType.equals(modelType)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The configuration in a bundle's {@code config} JSON.
     *
     * @throws IllegalArgumentException when it is malformed or belongs to another architecture
     */
    public Record parseConfig(String json) {
        Record config;
        try {
            config = BundleJson.MAPPER.readValue(json, configType);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + modelType + " config: " + e.getOriginalMessage(), e);
        }
        requireOwn(config);
        return config;
    }

    /** Fails unless {@code config} is of this architecture (OC-FakeDect-1 has no second encoder, -2 has one). */
    void requireOwn(Record config) {
        if (!configType.isInstance(config)) {
            throw new IllegalArgumentException(modelType + " needs a " + configType.getSimpleName() + ", got "
                    + (config == null ? "none" : config.getClass().getSimpleName()));
        }
        if (config instanceof OcFakeDectConfig c && c.secondEncoder() != (this == OC_FAKEDECT_2)) {
            throw new IllegalArgumentException(modelType + " config has secondEncoder " + c.secondEncoder()
                    + "; " + OC_FAKEDECT_2.modelType + " and only it has the second encoder");
        }
    }

    /** A fresh model of {@code config} (of this architecture) with PyTorch's default initialisation from {@code init}. */
    Module create(Record config, ParameterInit init) {
        requireOwn(config);
        return switch (this) {
            case OC_FAKEDECT_1, OC_FAKEDECT_2 -> new OcFakeDect((OcFakeDectConfig) config, init);
            case RESNET18_VAE -> new SymmetricResNetVae((ResNetVaeConfig) config, init);
            case RESNET18_VAE_ASYM -> new AsymmetricResNetVae((AsymmetricResNetVaeConfig) config, init);
        };
    }
}
