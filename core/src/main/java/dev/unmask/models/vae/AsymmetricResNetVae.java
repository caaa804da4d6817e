package dev.unmask.models.vae;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.ConvTranspose2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Linear;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;
import dev.unmask.nn.Sigmoid;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

/**
 * The asymmetric ResNet-18 VAE: torchvision's resnet18 as the encoder ({@link ResNet18Encoder}, ImageNet stem,
 * so torchvision's weights load by name into {@link #encoder()}), a fully connected bottleneck and a light
 * decoder, following {@code VAEmodel.py} of Malgesw/DeepFakeDetection (itself after hsinyilin19's ResNetVAE):
 * <pre>
 * features [8w] - fc1, bn1, ReLU - fc2, bn2, ReLU - fc3_mu | fc3_logvar           (batch norms 1-D, momentum 0.01)
 * z - fc4, fc_bn4, ReLU - fc5, fc_bn5, ReLU - view [mapChannels, H/32, W/32]     (momentum 0.1)
 *   - convTrans6 (ConvTranspose2d, BatchNorm2d, ReLU) - convTrans7 (same) - convTrans8 (ConvTranspose2d, BatchNorm2d[, Sigmoid])
 *   - nearest upsampling x4 to [C, H, W]
 * </pre>
 * The thesis' decoder starts from 4 x 4, uses 3 x 3 stride-2 transposed convolutions without padding
 * (4, 9, 19, 39) and resizes 39 x 39 to 224 x 224 bilinearly. Here {@code fc5} makes an H/32 x W/32 map and the
 * transposed convolutions are 4 x 4, stride 2, padding 1, so the sizes double exactly (7, 14, 28, 56) and an
 * integer nearest upsampling reaches the image size. Also departing: z is drawn from a normal distribution
 * (the thesis draws epsilon with {@code rand_like}, a uniform one), and for ImageNet-normalised inputs the
 * sigmoid is left out. The 1-D batch norms are {@link BatchNorm2d}s over [B, F, 1, 1], the same parameters and
 * statistics as PyTorch's BatchNorm1d over [B, F]. Loss and score as {@link SymmetricResNetVae}.
 */
public final class AsymmetricResNetVae extends Module implements ReconstructionVae {
    private static final float SLOW_MOMENTUM = 0.01f;
    private static final float BATCH_NORM_EPS = 1e-5f;
    private static final int FINAL_UPSAMPLING = 4;

    private final AsymmetricResNetVaeConfig config;
    private final ResNet18Encoder encoder;
    private final Linear fc1;
    private final BatchNorm2d bn1;
    private final Linear fc2;
    private final BatchNorm2d bn2;
    private final Linear fc3Mu;
    private final Linear fc3LogVar;
    private final Linear fc4;
    private final BatchNorm2d fcBn4;
    private final Linear fc5;
    private final BatchNorm2d fcBn5;
    private final Sequential convTrans6;
    private final Sequential convTrans7;
    private final Sequential convTrans8;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from its stream. */
    public AsymmetricResNetVae(AsymmetricResNetVaeConfig config, ParameterInit init) {
        this.config = config;
        encoder = registerModule("encoder", new ResNet18Encoder(config.inChannels(), config.baseWidth(), ResNetStem.IMAGENET, init));
        fc1 = registerModule("fc1", new Linear(encoder.features(), config.hidden1(), true, init));
        bn1 = registerModule("bn1", new BatchNorm2d(config.hidden1(), BATCH_NORM_EPS, SLOW_MOMENTUM, init));
        fc2 = registerModule("fc2", new Linear(config.hidden1(), config.hidden2(), true, init));
        bn2 = registerModule("bn2", new BatchNorm2d(config.hidden2(), BATCH_NORM_EPS, SLOW_MOMENTUM, init));
        fc3Mu = registerModule("fc3_mu", new Linear(config.hidden2(), config.latentDim(), true, init));
        fc3LogVar = registerModule("fc3_logvar", new Linear(config.hidden2(), config.latentDim(), true, init));
        fc4 = registerModule("fc4", new Linear(config.latentDim(), config.hidden2(), true, init));
        fcBn4 = registerModule("fc_bn4", new BatchNorm2d(config.hidden2(), init));
        fc5 = registerModule("fc5", new Linear(config.hidden2(), mapSize(), true, init));
        fcBn5 = registerModule("fc_bn5", new BatchNorm2d(mapSize(), init));
        convTrans6 = registerModule("convTrans6", upsampling(config.mapChannels(), config.upChannels1(), init, new ReLU()));
        convTrans7 = registerModule("convTrans7", upsampling(config.upChannels1(), config.upChannels2(), init, new ReLU()));
        convTrans8 = registerModule("convTrans8", config.output() == OutputActivation.SIGMOID
                ? upsampling(config.upChannels2(), config.inChannels(), init, new Sigmoid())
                : upsampling(config.upChannels2(), config.inChannels(), init));
    }

    /** ConvTranspose2d(4, stride 2, padding 1), BatchNorm2d (momentum 0.01), then the {@code activation} if any. */
    private static Sequential upsampling(int in, int out, ParameterInit init, Layer... activation) {
        Layer[] layers = new Layer[2 + activation.length];
        layers[0] = new ConvTranspose2d(in, out, 4, 2, 1, init);
        layers[1] = new BatchNorm2d(out, BATCH_NORM_EPS, SLOW_MOMENTUM, init);
        System.arraycopy(activation, 0, layers, 2, activation.length);
        return new Sequential(layers);
    }

    private int mapSize() {
        return config.mapChannels() * (config.height() / 32) * (config.width() / 32);
    }

    public AsymmetricResNetVaeConfig config() {
        return config;
    }

    /** The torchvision-layout encoder, for example to load torchvision's resnet18 weights into it. */
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
        Variable hidden = hidden(x);
        Variable mean = fc3Mu.forward(hidden);
        Variable logVariance = fc3LogVar.forward(hidden);
        Variable reconstruction = decode(VaeTerms.sample(mean, logVariance, epsilon));
        return VaeTerms.output(x, reconstruction, mean, logVariance);
    }

    /** Score: RMSE(x, x') per image over channels and pixels, x' = decode(mu(x)). */
    @Override
    public Evaluation evaluate(Tensor images) {
        requireImages(images);
        VaeTerms.requireEvaluationMode("AsymmetricResNetVae.evaluate", this);
        try (NoGrad scope = NoGrad.enter()) {
            Variable mean = fc3Mu.forward(hidden(Variable.constant(images)));
            Tensor reconstruction = decode(mean).value();
            return new Evaluation(mean.value(), reconstruction, VaeTerms.rootMeanSquare(images, reconstruction));
        }
    }

    private Variable hidden(Variable images) {
        Variable h = normalise(bn1, fc1.forward(encoder.forward(images))).relu();
        return normalise(bn2, fc2.forward(h)).relu();
    }

    private Variable decode(Variable z) {
        Variable h = normalise(fcBn4, fc4.forward(z)).relu();
        h = normalise(fcBn5, fc5.forward(h)).relu()
                .reshape(z.dim(0), config.mapChannels(), config.height() / 32, config.width() / 32);
        return convTrans8.forward(convTrans7.forward(convTrans6.forward(h))).upsampleNearest2d(FINAL_UPSAMPLING, FINAL_UPSAMPLING);
    }

    /** 1-D batch norm of [B, F] features through a BatchNorm2d over [B, F, 1, 1]. */
    private static Variable normalise(BatchNorm2d norm, Variable features) {
        return norm.forward(features.reshape(features.dim(0), features.dim(1), 1, 1)).reshape(features.dim(0), features.dim(1));
    }

    private void requireImages(Tensor images) {
        VaeTerms.requireImages("AsymmetricResNetVae", images, config.inChannels(), config.height(), config.width());
    }
}
