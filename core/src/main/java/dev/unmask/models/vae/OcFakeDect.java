package dev.unmask.models.vae;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.nn.BatchNorm2d;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.ConvTranspose2d;
import dev.unmask.nn.Layer;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.nn.ReLU;
import dev.unmask.nn.Sequential;
import dev.unmask.nn.Sigmoid;
import dev.unmask.ops.Conv2dParams;
import dev.unmask.tensor.Shape;
import dev.unmask.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * OC-FakeDect (Khalid and Woo, CVPR workshops 2020): a convolutional VAE trained on real faces only.
 * OC-FakeDect-1 scores an image by RMSE(x, x') over channels and pixels; OC-FakeDect-2 adds a second
 * encoder of the same shape (its own weights) applied to x' and scores by RMSE(mu(x), mu2(x')) over the
 * latent.
 *
 * <p>The paper gives the structure, not every width. This follows the Keras re-implementation with a
 * 100 x 100 input (convolutions of 16, 32, 64 and 32 channels, 3 x 3, strides 1, 2, 1, 2, each followed by
 * batch norm and ReLU; a 25 x 25 x 32 latent; the decoder mirrors it with transposed convolutions), and
 * departs from it in five places:
 * <ul>
 *   <li>mu and log sigma^2 come from 1 x 1 convolutions of the last feature map, so the latent keeps its
 *       25 x 25 x 32 shape; the re-implementation flattens and uses two dense layers of 20000 x 20000
 *       (400 million weights each, 1.6 GB in float);</li>
 *   <li>batch norm normalises each channel (the re-implementation's {@code BatchNormalization(axis=1)} on NHWC
 *       tensors normalises each image row instead) with PyTorch's defaults (eps 1e-5, momentum 0.1);</li>
 *   <li>the output layer has no batch norm, so the reconstruction does not depend on the batch;</li>
 *   <li>the loss is KL + the residual sum of squares (the brief and the thesis' PyTorch code), not binary
 *       cross-entropy; OC-FakeDect-2 adds ||mu(x) - mu2(x')||^2, without which the second encoder would
 *       not be trained;</li>
 *   <li>stride-2 layers pad as PyTorch does (padding 1, and output padding 1 in the decoder); Keras'
 *       'same' pads only the bottom and right at stride 2, which shifts the grid by one pixel.</li>
 * </ul>
 *
 * <p>Parameter names are those of a PyTorch module with children {@code encoder} (nn.Sequential: Conv2d,
 * BatchNorm2d, ReLU at positions 0-2, 3-5, 6-8, 9-11), {@code mu} and {@code log_var} (1 x 1 Conv2d),
 * {@code decoder} (nn.Sequential: ConvTranspose2d, BatchNorm2d, ReLU at 0-2, 3-5, 6-8, 9-11, the output
 * ConvTranspose2d at 12, and a Sigmoid at 13 for {@link OutputActivation#SIGMOID}) and, for OC-FakeDect-2,
 * {@code encoder2} (as {@code encoder}) and {@code mu2}: {@code encoder.0.weight}, {@code encoder.1.running_mean},
 * {@code mu.bias}, {@code decoder.12.weight}, {@code encoder2.9.weight}, {@code mu2.weight}, ...
 */
public final class OcFakeDect extends Module implements ReconstructionVae {
    private static final Conv2dParams SAME = Conv2dParams.of(1, 1);
    private static final Conv2dParams HALVE = Conv2dParams.of(2, 1);
    private static final Conv2dParams DOUBLE = new Conv2dParams(2, 2, 1, 1, 1, 1, 1, 1);

    private final OcFakeDectConfig config;
    private final Sequential encoder;
    private final Conv2d mu;
    private final Conv2d logVar;
    private final Sequential decoder;
    private final Sequential encoder2;
    private final Conv2d mu2;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from its stream. */
    public OcFakeDect(OcFakeDectConfig config, ParameterInit init) {
        this.config = config;
        int latent = config.latentChannels();
        encoder = registerModule("encoder", encoder(config, init));
        mu = registerModule("mu", new Conv2d(latent, latent, 1, 1, 0, init));
        logVar = registerModule("log_var", new Conv2d(latent, latent, 1, 1, 0, init));
        decoder = registerModule("decoder", decoder(config, init));
        encoder2 = config.secondEncoder() ? registerModule("encoder2", encoder(config, init)) : null;
        mu2 = config.secondEncoder() ? registerModule("mu2", new Conv2d(latent, latent, 1, 1, 0, init)) : null;
    }

    private static Sequential encoder(OcFakeDectConfig c, ParameterInit init) {
        int[] widths = {c.inChannels(), c.channels1(), c.channels2(), c.channels3(), c.latentChannels()};
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            layers.add(new Conv2d(widths[i], widths[i + 1], 3, 3, i % 2 == 0 ? SAME : HALVE, true, init));
            layers.add(new BatchNorm2d(widths[i + 1], init));
            layers.add(new ReLU());
        }
        return new Sequential(layers.toArray(Layer[]::new));
    }

    private static Sequential decoder(OcFakeDectConfig c, ParameterInit init) {
        int[] widths = {c.latentChannels(), c.latentChannels(), c.channels3(), c.channels2(), c.channels1()};
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            layers.add(new ConvTranspose2d(widths[i], widths[i + 1], 3, 3, i % 2 == 0 ? SAME : DOUBLE, true, init));
            layers.add(new BatchNorm2d(widths[i + 1], init));
            layers.add(new ReLU());
        }
        layers.add(new ConvTranspose2d(c.channels1(), c.inChannels(), 3, 3, SAME, true, init));
        if (c.output() == OutputActivation.SIGMOID) {
            layers.add(new Sigmoid());
        }
        return new Sequential(layers.toArray(Layer[]::new));
    }

    public OcFakeDectConfig config() {
        return config;
    }

    @Override
    public Shape latentShape(int batch) {
        return Shape.of(batch, config.latentChannels(), config.height() / 4, config.width() / 4);
    }

    /**
     * The training forward: with mu, log sigma^2 from the encoder and z = mu + sigma * epsilon, x' = decode(z);
     * loss = batch mean of KL + ||x - x'||^2 (+ ||mu(x) - mu2(x')||^2 for OC-FakeDect-2). Batch norm runs in
     * the module's mode (training: batch statistics, running statistics updated).
     */
    @Override
    public VaeOutput forward(Tensor images, Tensor epsilon) {
        requireImages(images);
        Variable x = Variable.constant(images);
        Variable features = encoder.forward(x);
        Variable mean = mu.forward(features);
        Variable logVariance = logVar.forward(features);
        Variable reconstruction = decoder.forward(VaeTerms.sample(mean, logVariance, epsilon));
        VaeOutput one = VaeTerms.output(x, reconstruction, mean, logVariance);
        if (encoder2 == null) {
            return one;
        }
        Variable latent = VaeTerms.sumOfSquares(mean, mu2.forward(encoder2.forward(reconstruction)));
        Variable loss = one.klDivergence().add(one.reconstructionError()).add(latent).mean();
        return new VaeOutput(reconstruction, mean, logVariance, one.klDivergence(), one.reconstructionError(), latent, loss);
    }

    @Override
    public Tensor reconstruct(Tensor images) {
        requireImages(images);
        VaeTerms.requireEvaluationMode("OcFakeDect.reconstruct", this);
        try (NoGrad scope = NoGrad.enter()) {
            return decoder.forward(mu.forward(encoder.forward(Variable.constant(images)))).value();
        }
    }

    /** Score: OC-FakeDect-1 RMSE(x, x') over channels and pixels; OC-FakeDect-2 RMSE(mu(x), mu2(x')) over the latent. */
    @Override
    public Evaluation evaluate(Tensor images) {
        requireImages(images);
        VaeTerms.requireEvaluationMode("OcFakeDect.evaluate", this);
        try (NoGrad scope = NoGrad.enter()) {
            Variable mean = mu.forward(encoder.forward(Variable.constant(images)));
            Variable reconstruction = decoder.forward(mean);
            Tensor score = encoder2 == null ? VaeTerms.rootMeanSquare(images, reconstruction.value())
                    : VaeTerms.rootMeanSquare(mean.value(), mu2.forward(encoder2.forward(reconstruction)).value());
            return new Evaluation(mean.value(), reconstruction.value(), score);
        }
    }

    private void requireImages(Tensor images) {
        VaeTerms.requireImages("OcFakeDect", images, config.inChannels(), config.height(), config.width());
    }
}
