package dev.unmask.detectors.reconstruction;

import dev.unmask.backend.Backend;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.vae.AsymmetricResNetVae;
import dev.unmask.models.vae.AsymmetricResNetVaeConfig;
import dev.unmask.models.vae.ResNet18Encoder;
import dev.unmask.models.vae.SymmetricResNetVae;
import dev.unmask.models.vae.OcFakeDectConfig;
import dev.unmask.models.vae.OutputActivation;
import dev.unmask.models.vae.ReconstructionVae;
import dev.unmask.models.vae.ResNetVaeConfig;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterBudget;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A one-class VAE of one {@link VaeArchitecture} with its configuration and, once calibrated, its
 * {@link ScoreDecision}.
 *
 * <p>Stored as a bundle of the architecture's {@code model_type}: the model's state dict (its PyTorch names),
 * {@code config} the configuration record by component name, {@code calibration} the decision alone
 * ({@link ScoreDecision#toJson()}) or absent.
 */
public final class ReconstructionModel {
    private final VaeArchitecture architecture;
    private final Record config;
    private final Module module;
    private ScoreDecision decision;

    private ReconstructionModel(VaeArchitecture architecture, Record config, Module module, ScoreDecision decision) {
        this.architecture = architecture;
        this.config = config;
        this.module = module;
        this.decision = decision;
    }

    /**
     * A fresh, uncalibrated model on {@code backend} with PyTorch's default initialisation drawn from {@code seed}.
     *
     * @throws IllegalArgumentException when {@code config} is not of {@code architecture}, or its input exceeds
     *     {@link InputSpec#MAX_SIDE}
     */
    public static ReconstructionModel create(VaeArchitecture architecture, Record config, long seed, Backend backend) {
        architecture.requireOwn(config);
        int[] size = inputSize(config);
        if (size[1] > InputSpec.MAX_SIDE || size[2] > InputSpec.MAX_SIDE) {
            throw new IllegalArgumentException(architecture.modelType() + " input " + size[1] + " x " + size[2]
                    + " exceeds " + InputSpec.MAX_SIDE + " pixels a side");
        }
        return new ReconstructionModel(architecture, config, architecture.create(config, new ParameterInit(backend, seed)),
                null);
    }

    public VaeArchitecture architecture() {
        return architecture;
    }

    /** The model's configuration ({@link OcFakeDectConfig}, {@link ResNetVaeConfig} or {@link AsymmetricResNetVaeConfig}). */
    public Record config() {
        return config;
    }

    /** The network, as a module (for training, state dicts, modes). */
    public Module module() {
        return module;
    }

    /** The network, as a VAE (training forward, scores). */
    public ReconstructionVae vae() {
        return (ReconstructionVae) module;
    }

    public Backend backend() {
        return Backend.of(module.parameters().get(0).value());
    }

    public Optional<ScoreDecision> decision() {
        return Optional.ofNullable(decision);
    }

    public void setDecision(ScoreDecision value) {
        this.decision = value;
    }

    /**
     * What the model takes: its channels and size; values in [0, 1] for a sigmoid decoder, ImageNet-normalised
     * for a linear one (the residual is taken in the input's space); bilinear resize.
     */
    public InputSpec inputSpec() {
        int[] size = inputSize(config);
        InputSpec.PixelRange range = output(config) == OutputActivation.SIGMOID
                ? InputSpec.PixelRange.ZERO_TO_ONE : InputSpec.PixelRange.IMAGENET_NORMALISED;
        return new InputSpec(size[0], size[1], size[2], range, InputSpec.Resize.BILINEAR, InputSpec.Layout.NCHW);
    }

    /** {channels, height, width} of a configuration of any architecture. */
    static int[] inputSize(Record config) {
        if (config instanceof OcFakeDectConfig c) {
            return new int[] {c.inChannels(), c.height(), c.width()};
        }
        if (config instanceof ResNetVaeConfig c) {
            return new int[] {c.inChannels(), c.height(), c.width()};
        }
        AsymmetricResNetVaeConfig c = (AsymmetricResNetVaeConfig) config;
        return new int[] {c.inChannels(), c.height(), c.width()};
    }

    private static OutputActivation output(Record config) {
        if (config instanceof OcFakeDectConfig c) {
            return c.output();
        }
        if (config instanceof ResNetVaeConfig c) {
            return c.output();
        }
        return ((AsymmetricResNetVaeConfig) config).output();
    }

    /**
     * Loads a torchvision resnet18 state dict (names unchanged, {@code fc.*} ignored) into the ResNet-18 encoder of a
     * {@link VaeArchitecture#RESNET18_VAE_ASYM} or {@link VaeArchitecture#RESNET18_VAE} model
     * ({@link ResNet18Encoder#loadTorchvisionStateDict}); a pretrained start for training on faces.
     *
     * @throws IllegalArgumentException for OC-FakeDect, or naming every missing, unexpected or misshapen entry
     */
    public void loadEncoderWeights(Map<String, Tensor> torchvisionState) {
        if (module instanceof AsymmetricResNetVae vae) {
            vae.encoder().loadTorchvisionStateDict(torchvisionState);
        } else if (module instanceof SymmetricResNetVae vae) {
            vae.encoder().loadTorchvisionStateDict(torchvisionState);
        } else {
            throw new IllegalArgumentException(architecture.modelType() + " has no ResNet-18 encoder to load weights into");
        }
    }

    /** Writes the bundle (atomically, see {@link ModelBundle#write}). */
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (decision != null) {
            meta.put(ModelBundle.CALIBRATION_KEY, decision.toJson());
        }
        ModelBundle.write(file, architecture.modelType(), BundleJson.MAPPER.writeValueAsString(config), module.stateDict(),
                meta);
    }

    /**
     * Builds the model of a bundle of one of the {@link VaeArchitecture}s onto {@code backend}, in evaluation mode;
     * {@code source} names the bundle in messages. The configuration is checked against the stored tensors
     * ({@link ParameterBudget}) before anything is allocated.
     *
     * @throws ModelBundleException when the type is not a VAE's, the config or calibration is malformed, or the
     *     tensors do not match the config
     */
    public static ReconstructionModel fromBundle(ModelBundle bundle, String source, Backend backend) throws IOException {
        VaeArchitecture architecture = VaeArchitecture.ofModelType(bundle.modelType());
        if (architecture == null) {
            throw new ModelBundleException(MessageText.refusal(source, "holds a " + MessageText.quote(bundle.modelType())
                    + " model, not a one-class VAE"));
        }
        Record config;
        ScoreDecision decision;
        try {
            config = architecture.parseConfig(bundle.configJson());
            decision = bundle.calibrationJson().map(ScoreDecision::fromJson).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        ReconstructionModel model;
        try (ParameterBudget budget = ParameterBudget.forStored(bundle.content().elementCount(),
                bundle.content().tensors().size())) {
            model = create(architecture, config, 0, backend);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, "the config does not fit the stored tensors: "
                    + e.getMessage()), e);
        }
        Map<String, Tensor> state = bundle.stateDict(backend);
        try {
            model.module.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        model.module.eval();
        model.decision = decision;
        return model;
    }
}
