package dev.unmask.detectors.latent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.unmask.autograd.NoGrad;
import dev.unmask.backend.Backend;
import dev.unmask.backend.Backends;
import dev.unmask.detectors.BundleJson;
import dev.unmask.io.ModelBundle;
import dev.unmask.io.MessageText;
import dev.unmask.io.ModelBundleException;
import dev.unmask.models.pixelsnail.PixelSnail;
import dev.unmask.models.pixelsnail.PixelSnailConfig;
import dev.unmask.models.vqvae.VqVae;
import dev.unmask.models.vqvae.VqVaeConfig;
import dev.unmask.nn.ParameterBudget;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latent-restoration detector's models: a {@link VqVae} that turns images into code grids and a
 * {@link PixelSnail} prior over those grids, plus the {@link Calibration} once it has been calibrated.
 *
 * <p>Stored as one model bundle of type {@value #MODEL_TYPE}: the VQ-VAE's state dict under the prefix
 * {@value #VQVAE_PREFIX}, the prior's under {@value #PRIOR_PREFIX}; {@code config} is
 * {@code {"vqvae": {...}, "prior": {...}}} with the two configurations' record components by name;
 * {@code calibration} is {@link Calibration#toJson()} (or null) and {@code thresholds} the latent thresholds
 * {@code {"lambdaS": ..., "lambdaP": ...}} (or null).
 *
 * <p>Images are square, {@link #imageSize()} pixels a side ({@code prior grid * VQ-VAE stride}), with
 * {@link #channels()} channels and values in [-1, 1]. The adapters ({@link #encoder()}, {@link #decoder()},
 * {@link #prior()}) run without a graph and are safe to call from many threads once the models are in
 * evaluation mode, which {@link #scorer} ensures.
 */
public final class LatentRestorationModel {
    /** The bundle's {@code model_type}. */
    public static final String MODEL_TYPE = "latent-restoration";
    public static final String VQVAE_PREFIX = "vqvae.";
    public static final String PRIOR_PREFIX = "prior.";

    static final ObjectMapper JSON = BundleJson.MAPPER;

    private final VqVae vqvae;
    private final PixelSnail prior;
    private Calibration calibration;

    /**
     * Wraps two models whose shapes agree: the prior's grid is the code grid of the VQ-VAE on square
     * images and its classes are the codebook size.
     *
     * @throws IllegalArgumentException when they do not fit together
     */
    public LatentRestorationModel(VqVae vqvae, PixelSnail prior, Calibration calibration) {
        if (vqvae == null || prior == null) {
            throw new IllegalArgumentException("vqvae and prior must not be null");
        }
        checkCompatible(vqvae.config(), prior.config());
        this.vqvae = vqvae;
        this.prior = prior;
        this.calibration = calibration;
    }

    /** The backend the models' tensors live on. */
    public Backend backend() {
        return Backend.of(vqvae.stateDict().values().iterator().next());
    }

    /** {@link #create(VqVaeConfig, PixelSnailConfig, long, Backend)} on the default backend. */
    public static LatentRestorationModel create(VqVaeConfig vqvaeConfig, PixelSnailConfig priorConfig, long seed) {
        return create(vqvaeConfig, priorConfig, seed, Backends.defaultBackend());
    }

    /**
     * Fresh models on {@code backend} with PyTorch's default initialisation drawn from {@code seed} (the VQ-VAE
     * from the first split of the stream, the prior from the second); not calibrated.
     */
    public static LatentRestorationModel create(VqVaeConfig vqvaeConfig, PixelSnailConfig priorConfig, long seed,
                                                Backend backend) {
        checkCompatible(vqvaeConfig, priorConfig);
        ParameterInit init = new ParameterInit(backend, seed);
        return new LatentRestorationModel(new VqVae(vqvaeConfig, init.split()), new PixelSnail(priorConfig, init.split()),
                null);
    }

    static void checkCompatible(VqVaeConfig v, PixelSnailConfig p) {
        if (p.classes() != v.codes()) {
            throw new IllegalArgumentException("the prior has " + p.classes() + " classes but the VQ-VAE has "
                    + v.codes() + " codes");
        }
        if (p.height() != p.width()) {
            throw new IllegalArgumentException("the prior's grid must be square, got " + p.height() + "x" + p.width());
        }
        try {
            long side = Math.multiplyExact((long) p.height(), v.stride());
            Math.toIntExact(Math.multiplyExact(Math.multiplyExact(side, side), v.inChannel()));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a " + p.height() + "x" + p.width() + " grid at stride " + v.stride()
                    + " makes a model input of more than 2^31-1 values");
        }
    }

    public VqVae vqvae() {
        return vqvae;
    }

    public PixelSnail priorModel() {
        return prior;
    }

    /** Side of the square input images in pixels. */
    public int imageSize() {
        return prior.config().height() * vqvae.config().stride();
    }

    /** Channels of the input images (1 grey, 3 RGB). */
    public int channels() {
        return vqvae.config().inChannel();
    }

    /** The calibration, empty until {@link #setCalibration} or a calibrated bundle. */
    public Optional<Calibration> calibration() {
        return Optional.ofNullable(calibration);
    }

    public void setCalibration(Calibration value) {
        this.calibration = value;
    }

    /** Images F32 [B, C, S, S] to codes I32 [B, S/s, S/s], no graph. */
    public CodeEncoder encoder() {
        return vqvae::encode;
    }

    /** Codes to images, no graph. */
    public CodeDecoder decoder() {
        return vqvae::decodeCodes;
    }

    /**
     * The prior's logits [B, K, h, w] without a graph (evaluation mode needed for a pure function), and row by
     * row through {@link PixelSnail#incremental} (evaluation mode required).
     */
    public IncrementalCodePrior prior() {
        return new IncrementalCodePrior() {
            @Override
            public int codebookSize() {
                return prior.config().classes();
            }

            @Override
            public Tensor logits(Tensor codes) {
                try (NoGrad scope = NoGrad.enter()) {
                    return prior.logits(codes).value();
                }
            }

            @Override
            public Rows rows(int grids) {
                return prior.incremental(grids)::rowLogits;
            }
        };
    }

    /** Puts both models in evaluation mode and returns a scorer over them. */
    public LatentAnomalyScorer scorer(RestorationSettings settings) {
        vqvae.eval();
        prior.eval();
        return new LatentAnomalyScorer(encoder(), prior(), decoder(), settings);
    }

    /** The bundle's {@code config} entry. */
    public String configJson() {
        ObjectNode root = JSON.createObjectNode();
        root.set("vqvae", JSON.valueToTree(vqvae.config()));
        root.set("prior", JSON.valueToTree(prior.config()));
        return root.toString();
    }

    /** Writes the bundle (atomically, see {@link ModelBundle#write}). */
    public void save(Path file) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>();
        vqvae.stateDict().forEach((name, t) -> state.put(VQVAE_PREFIX + name, t));
        prior.stateDict().forEach((name, t) -> state.put(PRIOR_PREFIX + name, t));
        Map<String, String> meta = new LinkedHashMap<>();
        if (calibration != null) {
            meta.put(ModelBundle.CALIBRATION_KEY, calibration.toJson());
            ObjectNode thresholds = JSON.createObjectNode();
            BundleJson.putNumber(thresholds, "lambdaS", calibration.lambdaS());
            BundleJson.putNumber(thresholds, "lambdaP", calibration.lambdaP());
            meta.put(ModelBundle.THRESHOLDS_KEY, thresholds.toString());
        }
        ModelBundle.write(file, MODEL_TYPE, configJson(), state, meta);
    }

    /**
     * Reads a bundle of type {@value #MODEL_TYPE} onto the default backend.
     *
     * @throws ModelBundleException when the file is another model type, its config or calibration is
     *     malformed, or its tensors do not match the config (the message names the problems)
     */
    public static LatentRestorationModel load(Path file) throws IOException {
        return load(file, Backends.defaultBackend());
    }

    /**
     * Reads a bundle of type {@value #MODEL_TYPE} onto {@code backend}: the modules are built there and the
     * tensors read there, so loads on several threads onto several backends do not disturb each other.
     */
    public static LatentRestorationModel load(Path file, Backend backend) throws IOException {
        return read(file, backend);
    }

    private static LatentRestorationModel read(Path file, Backend backend) throws IOException {
        return fromBundle(ModelBundle.read(file, MODEL_TYPE), file.toString(), backend);
    }

    /** {@link #fromBundle} of a bundle already read (from a file, bytes or a stream), named by its own source. */
    public static LatentRestorationModel load(ModelBundle bundle, Backend backend) throws IOException {
        return fromBundle(bundle, bundle.source(), backend);
    }

    /**
     * Builds the models of a bundle of type {@value #MODEL_TYPE} onto {@code backend}; {@code file} names the
     * bundle in messages.
     *
     * @throws ModelBundleException when the config or calibration is malformed or the tensors do not match
     * @throws dev.unmask.io.SafetensorsFormatException when a tensor cannot be read
     */
    public static LatentRestorationModel fromBundle(ModelBundle bundle, String file, Backend backend)
            throws IOException {
        if (!MODEL_TYPE.equals(bundle.modelType())) {
            throw new ModelBundleException(file + ": holds a '" + bundle.modelType() + "' model, expected '"
                    + MODEL_TYPE + "'");
        }
        String source = file;
        VqVaeConfig vqvaeConfig;
        PixelSnailConfig priorConfig;
        try {
            JsonNode config = JSON.readTree(bundle.configJson());
            vqvaeConfig = JSON.treeToValue(required(config, "vqvae"), VqVaeConfig.class);
            priorConfig = JSON.treeToValue(required(config, "prior"), PixelSnailConfig.class);
            checkCompatible(vqvaeConfig, priorConfig);
        } catch (JsonProcessingException e) {
            throw new ModelBundleException(MessageText.refusal(source, "malformed latent-restoration config: "
                    + e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, "malformed latent-restoration config: "
                    + e.getMessage()), e);
        }
        Calibration calibration;
        try {
            calibration = bundle.calibrationJson().map(Calibration::fromJson).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        LatentRestorationModel model;
        try (ParameterBudget budget = ParameterBudget.forStored(bundle.content().elementCount(),
                bundle.content().tensors().size())) {
            model = create(vqvaeConfig, priorConfig, 0, backend);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, "the config does not match the stored "
                    + "tensors (it needs far more): " + e.getMessage()), e);
        }
        Map<String, Tensor> vqvaeState = new LinkedHashMap<>();
        Map<String, Tensor> priorState = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : bundle.stateDict(backend).entrySet()) {
            String name = e.getKey();
            if (name.startsWith(VQVAE_PREFIX)) {
                vqvaeState.put(name.substring(VQVAE_PREFIX.length()), e.getValue());
            } else if (name.startsWith(PRIOR_PREFIX)) {
                priorState.put(name.substring(PRIOR_PREFIX.length()), e.getValue());
            } else {
                throw new ModelBundleException(MessageText.refusal(source, "tensor " + MessageText.quote(name)
                        + " belongs to neither '" + VQVAE_PREFIX + "' nor '" + PRIOR_PREFIX + "'"));
            }
        }
        try {
            model.vqvae.loadStateDict(vqvaeState);
            model.prior.loadStateDict(priorState);
        } catch (IllegalArgumentException e) {
            throw new ModelBundleException(MessageText.refusal(source, e.getMessage()), e);
        }
        model.calibration = calibration;
        return model;
    }

    private static JsonNode required(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("config lacks the object '" + name + "'");
        }
        return value;
    }
}
