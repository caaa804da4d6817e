package dev.unmask.models.vae;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * The symmetric ResNet-18 VAE: a {@link ResNet18Encoder} (torchvision's layout, BasicBlocks [2, 2, 2, 2],
 * widths 64-512), {@code fc_mu} and {@code fc_log_var} (linear, 8w to the latent) on its pooled features, and
 * a decoder that mirrors the encoder with nearest upsampling in place of the strides
 * ({@link SymmetricResNetDecoder}: julianstastny's ResNet18Dec layout, also followed by the ResNet-18 VAE of
 * Malgesw/DeepFakeDetection, the thesis that compares it with OC-FakeDect). Loss and score as OC-FakeDect-1:
 * loss = batch mean of KL + ||x - x'||^2, score = RMSE(x, x') over channels and pixels with x' = decode(mu).
 *
 * <p>Parameter names: {@code encoder.*} (torchvision's resnet18 names: {@code encoder.conv1.weight},
 * {@code encoder.layer2.0.downsample.1.running_var}, ...), {@code fc_mu.*}, {@code fc_log_var.*},
 * {@code decoder.*} ({@code decoder.linear.weight}, {@code decoder.layer4.1.conv1.conv.weight},
 * {@code decoder.layer4.1.shortcut.1.weight}, {@code decoder.layer1.0.conv1.weight}, {@code decoder.conv1.conv.weight}
 * or, with the small stem, {@code decoder.conv1.weight}).
 */
public final class SymmetricResNetVae extends Module implements ReconstructionVae {
    private final ResNetVaeConfig config;
    private final ResNet18Encoder encoder;
    private final Linear fcMu;
    private final Linear fcLogVar;
    private final SymmetricResNetDecoder decoder;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from its stream. */
    public SymmetricResNetVae(ResNetVaeConfig config, ParameterInit init) {
        this.config = config;
        encoder = registerModule("encoder", new ResNet18Encoder(config.inChannels(), config.baseWidth(), config.stem(), init));
        fcMu = registerModule("fc_mu", new Linear(encoder.features(), config.latentDim(), true, init));
        fcLogVar = registerModule("fc_log_var", new Linear(encoder.features(), config.latentDim(), true, init));
        decoder = registerModule("decoder", new SymmetricResNetDecoder(config, init));
    }

    public ResNetVaeConfig config() {
        return config;
    }

    /** The encoder, for example to load torchvision's resnet18 weights into it. */
    public ResNet18Encoder encoder() {
        return encoder;
    }

    @Override
    public Shape latentShape(int batch) {
        return Shape.of(batch, config.latentDim());
    }

    @Override
    public VaeOutput forward(Tensor images, Tensor epsilon) {
        requireImages(images);
        Variable x = Variable.constant(images);
        Variable features = encoder.forward(x);
        Variable mean = fcMu.forward(features);
        Variable logVariance = fcLogVar.forward(features);
        Variable reconstruction = decode(VaeTerms.sample(mean, logVariance, epsilon));
        return VaeTerms.output(x, reconstruction, mean, logVariance);
    }

    /** Score: RMSE(x, x') per image over channels and pixels, x' = decode(mu(x)). */
    @Override
    public Evaluation evaluate(Tensor images) {
        requireImages(images);
        VaeTerms.requireEvaluationMode("SymmetricResNetVae.evaluate", this);
        try (NoGrad scope = NoGrad.enter()) {
            Variable mean = fcMu.forward(encoder.forward(Variable.constant(images)));
            Tensor reconstruction = decode(mean).value();
            return new Evaluation(mean.value(), reconstruction, VaeTerms.rootMeanSquare(images, reconstruction));
        }
    }

    private Variable decode(Variable z) {
        Variable out = decoder.forward(z);
        return config.output() == OutputActivation.SIGMOID ? out.sigmoid() : out;
    }

    private void requireImages(Tensor images) {
        VaeTerms.requireImages("SymmetricResNetVae", images, config.inChannels(), config.height(), config.width());
    }
}
