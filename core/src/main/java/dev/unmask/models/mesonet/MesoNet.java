package dev.unmask.models.mesonet;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.Dropout;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Parameter;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A MesoNet (Afchar et al. 2018): feature blocks, then the classifier that both official models share,
 * Flatten, Dropout, Dense(16), LeakyReLU(0.1), Dropout, Dense(1), sigmoid. Input: RGB images F32
 * [B, 3, 256, 256] with values in [0, 1] (the official pipeline divides 8-bit levels by 255 after a
 * nearest-neighbour resize to 256 x 256); output: the probability that a face is <b>real</b> (near 1 real,
 * near 0 manipulated), as the official models' labels have it.
 *
 * <p>State-dict names: {@code block1} ... {@code block4} (see {@link Meso4} and {@link MesoInception4}),
 * each with its features and {@code bn} ({@code weight}, {@code bias}, buffers {@code running_mean},
 * {@code running_var}, {@code num_batches_tracked}), then {@code fc1.weight} [16, 1024], {@code fc1.bias},
 * {@code fc2.weight} [1, 16], {@code fc2.bias}. {@code fc1} reads the features flattened in our NCHW order
 * (C, H, W), as a PyTorch port flattens them; the Keras import reorders the rows of Keras' kernel, which
 * follow Keras' (H, W, C) order, so no permutation runs at inference. The dropout layers ({@code dropout1},
 * {@code dropout2}) hold no state. Batch normalisation uses epsilon 1e-3 and momentum 0.01 (Keras' defaults,
 * its 0.99 being the weight of the old statistics), with PyTorch's unbiased running variance.
 *
 * <p>Parameters start as PyTorch initialises convolutions and linear layers; the official models' values
 * come from {@link MesoNetWeights}. A model is built on one backend ({@link #create}) and stays there.
 * {@link #forward} and {@link #logits} use the current mode: call {@link #eval()} for inference (the running
 * statistics, no dropout) and {@link #train()} for training (batch statistics, dropout).
 */
public abstract sealed class MesoNet extends Layer permits Meso4, MesoInception4 {
    /** Height and width of the input: the classifier reads the 16 x 8 x 8 features of a 256 x 256 image. */
    public static final int INPUT_SIZE = 256;
    public static final int INPUT_CHANNELS = 3;
    /** Keras' BatchNormalization default, kept by classifiers.py. */
    public static final float BATCH_NORM_EPSILON = 1e-3f;
    /** Keras' momentum 0.99 in PyTorch's convention (the weight of the new batch). */
    public static final float BATCH_NORM_MOMENTUM = 0.01f;
    /** The slope of the LeakyReLU after the 16-unit dense layer. */
    public static final float LEAKY_SLOPE = 0.1f;
    /** Channels and side of the last feature block's output. */
    static final int FEATURE_CHANNELS = 16;
    static final int FEATURE_SIDE = 8;
    static final int HIDDEN = 16;
    private static final String FEATURE_PREFIX = "block";

    private final MesoNetConfig config;
    private final List<FeatureBlock> blocks;
    private final Dropout dropout1;
    private final Linear fc1;
    private final Dropout dropout2;
    private final Linear fc2;

    /** Registers {@code blocks} as {@code block1, block2, ...}, then the classifier, drawing its weights from {@code init}. */
    MesoNet(MesoNetConfig config, List<FeatureBlock> blocks, ParameterInit init) {
        this.config = config;
        this.blocks = List.copyOf(blocks);
        for (int i = 0; i < blocks.size(); i++) {
            registerModule("block" + (i + 1), blocks.get(i));
        }
        int features = FEATURE_CHANNELS * FEATURE_SIDE * FEATURE_SIDE;
        dropout1 = registerModule("dropout1", new Dropout(config.dropout(), init.nextSeed()));
        fc1 = registerModule("fc1", new Linear(features, HIDDEN, true, init));
        dropout2 = registerModule("dropout2", new Dropout(config.dropout(), init.nextSeed()));
        fc2 = registerModule("fc2", new Linear(HIDDEN, 1, true, init));
    }

    /**
     * A model of {@code config} whose tensors live on {@code init}'s backend, initialised from its stream, in
     * training mode (a new module's mode).
     */
    public static MesoNet create(MesoNetConfig config, ParameterInit init) {
        return switch (config.architecture()) {
            case MESO4 -> new Meso4(config.dropout(), init);
            case MESO_INCEPTION4 -> new MesoInception4(config.dropout(), init);
        };
    }

    public MesoNetConfig config() {
        return config;
    }

    public MesoNetArchitecture architecture() {
        return config.architecture();
    }

    /**
     * The logit before the final sigmoid, [B, 1]: positive means real.
     *
     * @param images F32 [B, 3, 256, 256], values in [0, 1]
     */
    public Variable logits(Variable images) {
        Shape s = images.shape();
        if (images.value().dtype() != DType.F32 || s.rank() != 4 || s.dim(0) < 1 || s.dim(1) != INPUT_CHANNELS
                || s.dim(2) != INPUT_SIZE || s.dim(3) != INPUT_SIZE) {
            throw new IllegalArgumentException(architecture().title() + ": expected F32 images [B, " + INPUT_CHANNELS
                    + ", " + INPUT_SIZE + ", " + INPUT_SIZE + "], got " + images.value());
        }
        return classify(features(images));
    }

    /**
     * The output of the feature blocks, [B, 16, 8, 8], in the current mode; {@link #logits} is
     * {@code classify(features(images))}.
     *
     * @param images F32 [B, 3, 256, 256], values in [0, 1] (checked by {@link #logits}, not here)
     */
    public Variable features(Variable images) {
        Variable x = images;
        for (FeatureBlock block : blocks) {
            x = block.forward(x);
        }
        return x;
    }

    /** The classifier's logit [B, 1] from {@link #features} [B, 16, 8, 8]: flatten, dropout, fc1, LeakyReLU, dropout, fc2. */
    public Variable classify(Variable features) {
        Variable x = dropout1.forward(features.reshape(features.dim(0), FEATURE_CHANNELS * FEATURE_SIDE * FEATURE_SIDE));
        x = dropout2.forward(fc1.forward(x).leakyRelu(LEAKY_SLOPE));
        return fc2.forward(x);
    }

    /**
     * The parameters of the feature blocks ({@code block1} ... {@code block4}: convolution or inception weights
     * and biases, batch-norm weights and biases), by state-dict name; the rest ({@code fc1}, {@code fc2}) is the
     * classifier.
     */
    public Map<String, Parameter> featureParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> {
            if (name.startsWith(FEATURE_PREFIX)) {
                out.put(name, p);
            }
        });
        return out;
    }

    /** The classifier's parameters ({@code fc1.*}, {@code fc2.*}), by state-dict name. */
    public Map<String, Parameter> classifierParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>(namedParameters());
        out.keySet().removeAll(featureParameters().keySet());
        return out;
    }

    /**
     * Puts the feature blocks in evaluation mode (running statistics used and left unchanged) and leaves the
     * classifier's mode as it is: the mode of a frozen feature extractor, as Keras runs a BatchNormalization
     * layer whose {@code trainable} is false.
     */
    public void evalFeatures() {
        blocks.forEach(FeatureBlock::eval);
    }

    /** The probability that each image is real, [B, 1]: {@code sigmoid(logits(images))}. */
    @Override
    public Variable forward(Variable images) {
        return logits(images).sigmoid();
    }

    /**
     * The probabilities that each image of {@code images} [B, 3, 256, 256] is real, without a graph, in the
     * current mode (call {@link #eval()} first for inference).
     *
     * @throws IllegalArgumentException when the shape is wrong, or a probability is not finite (the images
     *     hold NaN or infinite values)
     */
    public float[] predict(Tensor images) {
        float[] probabilities;
        try (NoGrad scope = NoGrad.enter()) {
            probabilities = forward(Variable.constant(images)).value().toFloatArray();
        }
        for (int i = 0; i < probabilities.length; i++) {
            if (!Float.isFinite(probabilities[i])) {
                throw new IllegalArgumentException(architecture().title() + ": image " + i
                        + " gives a non-finite probability; its values are not finite");
            }
        }
        return probabilities;
    }

    /** The layers with weights of the official Keras file of this architecture, in the file's order. */
    static List<KerasLayerSpec> kerasLayout(MesoNetArchitecture architecture) {
        return switch (architecture) {
            case MESO4 -> Meso4.kerasLayout();
            case MESO_INCEPTION4 -> MesoInception4.kerasLayout();
        };
    }

    /** The classifier's two dense layers, as both files end. */
    static List<KerasLayerSpec> classifierLayout() {
        int features = FEATURE_CHANNELS * FEATURE_SIDE * FEATURE_SIDE;
        return List.of(KerasLayerSpec.dense("fc1", features, HIDDEN, Shape.of(FEATURE_CHANNELS, FEATURE_SIDE, FEATURE_SIDE)),
                KerasLayerSpec.dense("fc2", HIDDEN, 1, null));
    }
}
