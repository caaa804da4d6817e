package dev.unmask.detectors.classifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.unmask.backend.Backend;
import dev.unmask.detectors.BundleJson;
import dev.unmask.detectors.InputSpec;
import dev.unmask.detectors.ScoreDecision;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.autoencoder.AutoencoderClassifier;
import dev.unmask.models.autoencoder.AutoencoderConfig;
import dev.unmask.models.autoencoder.ConvAutoencoder;
import dev.unmask.nn.Module;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterBudget;
import dev.unmask.nn.ParameterInit;
import dev.unmask.random.Seeds;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The autoencoder-feature classifier: a {@link ConvAutoencoder} and the {@link AutoencoderClassifier} on its
 * encoder, with the {@link ScoreDecision} once calibrated (the default: fake at a probability of 0.5).
 *
 * <p>Stored as a bundle of type {@value #MODEL_TYPE}: the autoencoder's state dict ({@code encoder.*},
 * {@code decoder.*}) and the head ({@code head.weight}, {@code head.bias}), that is the union of the two
 * modules' PyTorch names; {@code config} is {@link AutoencoderLogisticConfig}; {@code calibration} the decision.
 * Images are in [0, 1] (the decoder ends in a ReLU).
 */
public final class AutoencoderLogisticModel {
    /** The bundle's {@code model_type}. */
    public static final String MODEL_TYPE = "ae-logistic";
    private static final String HEAD = "head.";
    private static final long HEAD_KEY = 0x4EADL;

    private final AutoencoderLogisticConfig config;
    private final ConvAutoencoder autoencoder;
    private final AutoencoderClassifier classifier;
    private ScoreDecision decision;

    private AutoencoderLogisticModel(AutoencoderLogisticConfig config, ConvAutoencoder autoencoder,
                                     AutoencoderClassifier classifier) {
        this.config = config;
        this.autoencoder = autoencoder;
        this.classifier = classifier;
    }

    /**
     * A fresh model on {@code backend}, deciding at a fake probability of 0.5, initialised as the study's Keras
     * layers are: every kernel Glorot-uniform, U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), every bias zero
     * ({@link #glorotUniform}), drawn from {@code seed}. PyTorch's default (U(+-1 / sqrt(fan_in)) for kernels and
     * biases) shrinks the signal about threefold per layer, so after the seven layers of the study's autoencoder
     * the output is its last bias alone and, when that is negative, the final ReLU is zero on every pixel and the
     * autoencoder never learns.
     *
     * @throws IllegalArgumentException when the input side exceeds {@link InputSpec#MAX_SIDE}
     */
    public static AutoencoderLogisticModel create(AutoencoderLogisticConfig config, long seed, Backend backend) {
        AutoencoderConfig shape = config.autoencoder();
        if (shape.height() > InputSpec.MAX_SIDE || shape.width() > InputSpec.MAX_SIDE) {
            throw new IllegalArgumentException(MODEL_TYPE + " input " + shape.height() + " x " + shape.width()
                    + " exceeds " + InputSpec.MAX_SIDE + " pixels a side");
        }
        ParameterInit init = new ParameterInit(backend, seed);
        ConvAutoencoder autoencoder = new ConvAutoencoder(shape, init);
        AutoencoderLogisticModel model = new AutoencoderLogisticModel(config, autoencoder,
                new AutoencoderClassifier(autoencoder, config.l1(), config.l2(), init));
        model.decision = ScoreDecision.probability();
        glorotUniform(model.autoencoder, seed);
        glorotUniform(model.classifier.head(), Seeds.derive(seed, HEAD_KEY));
        return model;
    }

    /**
     * Re-initialises {@code module} as Keras does: each parameter of rank 2 or more (a kernel [out, in, kh, kw],
     * [in, out, kh, kw] or [out, in]) from U(-a, a) with a = sqrt(6 / ((d0 + d1) * kh * kw)), each of rank 1
     * (a bias) zero; buffers are left alone. The values are drawn in the state dict's order from {@code seed}.
     */
    static void glorotUniform(Module module, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Backend backend = Backend.of(module.parameters().get(0).value());
        Map<String, Tensor> state = new LinkedHashMap<>(module.stateDict());
        for (Map.Entry<String, Parameter> e : module.namedParameters().entrySet()) {
            Shape shape = e.getValue().value().shape();
            float[] values = new float[shape.numel()];
            if (shape.rank() >= 2) {
                long receptive = shape.numel() / ((long) shape.dim(0) * shape.dim(1));
                double limit = Math.sqrt(6.0 / ((shape.dim(0) + (double) shape.dim(1)) * receptive));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
                }
            }
            state.put(e.getKey(), backend.fromFloats(values, shape));
        }
        module.loadStateDict(state);
    }

    public AutoencoderLogisticConfig config() {
        return config;
    }

    public ConvAutoencoder autoencoder() {
        return autoencoder;
    }

    public AutoencoderClassifier classifier() {
        return classifier;
    }

    public Backend backend() {
        return Backend.of(classifier.parameters().get(0).value());
    }

    public Optional<ScoreDecision> decision() {
        return Optional.ofNullable(decision);
    }

    public void setDecision(ScoreDecision value) {
        this.decision = value;
    }

    /** Channels and size of the autoencoder, values in [0, 1], bilinear resize. */
    public InputSpec inputSpec() {
        AutoencoderConfig c = config.autoencoder();
        return new InputSpec(c.inChannels(), c.height(), c.width(), InputSpec.PixelRange.ZERO_TO_ONE,
                InputSpec.Resize.BILINEAR, InputSpec.Layout.NCHW);
    }

    /** The bundle's tensors: the autoencoder's, then the head's. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> state = new LinkedHashMap<>(autoencoder.stateDict());
        classifier.stateDict().forEach((name, t) -> {
            if (name.startsWith(HEAD)) {
                state.put(name, t);
            }
        });
        return state;
    }

    /** Writes the bundle (atomically, see {@link ModelBundle#write}). */
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        if (decision != null) {
            meta.put(ModelBundle.CALIBRATION_KEY, decision.toJson());
        }
        ModelBundle.write(file, MODEL_TYPE, BundleJson.MAPPER.writeValueAsString(config), stateDict(), meta);
    }

    /**
     * Builds the model of a bundle of type {@value #MODEL_TYPE} onto {@code backend}, in evaluation mode; the
     * config is checked against the stored tensors ({@link ParameterBudget}) before anything is allocated.
     *
     * @throws ModelBundleException naming {@code source} and the problem
     */
    public static AutoencoderLogisticModel fromBundle(ModelBundle bundle, String source, Backend backend)
            throws IOException {
        if (!MODEL_TYPE.equals(bundle.modelType())) {
            throw new ModelBundleException(MessageText.refusal(source, "holds a " + MessageText.quote(bundle.modelType())
                    + " model, expected '" + MODEL_TYPE + "'"));
        }
        AutoencoderLogisticConfig config;
        ScoreDecision decision;
        try {
            config = BundleJson.MAPPER.readValue(bundle.configJson(), AutoencoderLogisticConfig.class);
            decision = bundle.calibrationJson().map(ScoreDecision::fromJson).orElse(null);
        } catch (JsonProcessingException e) {
            throw new ModelBundleException(MessageText.refusal(source, "malformed " + MODEL_TYPE + " config: "
                    + e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        AutoencoderLogisticModel model;
        try (ParameterBudget budget = ParameterBudget.forStored(bundle.content().elementCount(),
                bundle.content().tensors().size())) {
            model = create(config, 0, backend);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, "the config does not fit the stored tensors: "
                    + e.getMessage()), e);
        }
        Map<String, Tensor> autoencoderState = new LinkedHashMap<>();
        Map<String, Tensor> classifierState = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : bundle.stateDict(backend).entrySet()) {
            String name = e.getKey();
            if (name.startsWith(HEAD)) {
                classifierState.put(name, e.getValue());
            } else {
                autoencoderState.put(name, e.getValue());
                if (name.startsWith("encoder.")) {
                    classifierState.put(name, e.getValue());
                }
            }
        }
        try {
            model.autoencoder.loadStateDict(autoencoderState);
            model.classifier.loadStateDict(classifierState);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        model.autoencoder.eval();
        model.classifier.eval();
        model.decision = decision;
        return model;
    }
}
