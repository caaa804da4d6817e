package dev.unmask.models.autoencoder;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.Sequential;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;

/**
 * The second stage of the autoencoder-feature classifier study: a {@link ConvAutoencoder}'s encoder (the same
 * module, so training here fine-tunes it unless its parameters are left out of the optimizer), the code
 * flattened in NCHW order, and a dense layer to two classes with softmax, trained by categorical
 * cross-entropy plus Keras' {@code l1_l2} penalty on the dense layer's kernel:
 * {@code loss = mean CE + l1 * sum|W| + l2 * sum W^2} (the study: l1 = 0.01, l2 = 0.1; the bias is not
 * penalised). Keras flattens NHWC codes, so its kernel's rows come in another order than here.
 *
 * <p>Parameter names: {@code encoder.*} as in the autoencoder, {@code head.weight} [2, code size] and
 * {@code head.bias} [2] (a PyTorch Linear). Classes: {@link #REAL} and {@link #FAKE}.
 */
public final class AutoencoderClassifier extends Module {
    /** The class index of real images. */
    public static final int REAL = 0;
    /** The class index of fake (manipulated or generated) images. */
    public static final int FAKE = 1;
    /** The study's L1 weight of the head's kernel. */
    public static final float STUDY_L1 = 0.01f;
    /** The study's L2 weight of the head's kernel. */
    public static final float STUDY_L2 = 0.1f;

    private final ConvAutoencoder autoencoder;
    private final Sequential encoder;
    private final Linear head;
    private final float l1;
    private final float l2;

    /** A head with PyTorch's default initialisation from {@code init} on {@code autoencoder}'s encoder, with penalty weights l1 and l2. */
    public AutoencoderClassifier(ConvAutoencoder autoencoder, float l1, float l2, ParameterInit init) {
        if (!(l1 >= 0) || !(l2 >= 0) || Float.isInfinite(l1) || Float.isInfinite(l2)) {
            throw new IllegalArgumentException("AutoencoderClassifier: penalty weights must be finite and not negative, got "
                    + l1 + " and " + l2);
        }
        this.autoencoder = autoencoder;
        this.encoder = registerModule("encoder", autoencoder.encoder());
        this.head = registerModule("head", new Linear(autoencoder.config().codeSize(), 2, true, init));
        this.l1 = l1;
        this.l2 = l2;
    }

    /** The study's classifier: penalty weights 0.01 (L1) and 0.1 (L2). */
    public AutoencoderClassifier(ConvAutoencoder autoencoder, ParameterInit init) {
        this(autoencoder, STUDY_L1, STUDY_L2, init);
    }

    /** The dense layer (for an optimizer that trains the head alone). */
    public Linear head() {
        return head;
    }

    /** Logits [B, 2] of images [B, in, H, W], in the graph. */
    public Variable logits(Tensor images) {
        autoencoder.requireImages(images);
        Variable code = encoder.forward(Variable.constant(images));
        return head.forward(code.reshape(code.dim(0), code.value().numel() / code.dim(0)));
    }

    /** {@code l1 * sum|W| + l2 * sum W^2} over the head's weight, in the graph. */
    public Variable penalty() {
        Variable w = head.weight();
        return w.abs().sum().mul(l1).add(w.square().sum().mul(l2));
    }

    /**
     * Logits and loss of a labelled batch.
     *
     * @param labels I32 [B], each {@link #REAL} or {@link #FAKE}
     */
    public ClassifierOutput forward(Tensor images, Tensor labels) {
        if (labels.dtype() != DType.I32 || labels.rank() != 1 || labels.dim(0) != images.dim(0)) {
            throw new IllegalArgumentException("AutoencoderClassifier: expected I32 labels [" + images.dim(0) + "], got " + labels);
        }
        for (int label : labels.toIntArray()) {
            if (label != REAL && label != FAKE) {
                throw new IllegalArgumentException("AutoencoderClassifier: label " + label + " is neither REAL (0) nor FAKE (1)");
            }
        }
        Variable logits = logits(images);
        Variable crossEntropy = logits.crossEntropy(labels);
        Variable penalty = penalty();
        return new ClassifierOutput(logits, crossEntropy, penalty, crossEntropy.add(penalty));
    }

    /** Class probabilities softmax(logits) [B, 2] of images, without a graph; column {@link #FAKE} is the fake score. */
    public Tensor probabilities(Tensor images) {
        try (NoGrad scope = NoGrad.enter()) {
            return logits(images).softmax(1).value();
        }
    }
}
