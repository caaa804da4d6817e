package dev.unmask.models.vqvae;

import dev.unmask.autograd.NoGrad;
import dev.unmask.autograd.Variable;
import dev.unmask.backend.Backend;
import dev.unmask.models.vqvae.VqVaeConfig.CodebookMode;
import dev.unmask.nn.Conv2d;
import dev.unmask.nn.Module;
import dev.unmask.nn.ParameterInit;
import dev.unmask.tensor.DType;
import dev.unmask.tensor.Tensor;

/**
 * One-level VQ-VAE (van den Oord et al. 2017) with the structure and parameter names of rosinality's
 * vq-vae-2-pytorch, so its state dicts load by name: {@code enc.blocks.*}, {@code quantize_conv.*},
 * {@code quantize.embed} [D, K] (plus {@code quantize.cluster_size}, {@code quantize.embed_avg} in EMA
 * mode), {@code dec.blocks.*}.
 *
 * <p>Images [B, in, H, W] with H and W multiples of the stride become a grid of codes [B, H/s, W/s]:
 * encoder, 1x1 {@code quantize_conv} to D channels, nearest code per position; the decoder maps the
 * codes' vectors back to an image. The model lives on the default backend at construction.
 *
 * <p>A training step: {@code model.train(); VqVaeOutput out = model.forward(batch); out.loss().backward();
 * optimizer.step();} (in EMA mode the forward has already updated the codebook).
 */
public final class VqVae extends Module {
    private final VqVaeConfig config;
    private final Encoder enc;
    private final Conv2d quantizeConv;
    private final Quantizer quantize;
    private final Decoder dec;

    /** A model on {@code init}'s backend with PyTorch's default initialisation drawn from it. */
    public VqVae(VqVaeConfig config, ParameterInit init) {
        this.config = config;
        enc = registerModule("enc", new Encoder(config, init));
        quantizeConv = registerModule("quantize_conv", new Conv2d(config.channel(), config.embedDim(), 1, 1, 0, init));
        quantize = registerModule("quantize", new Quantizer(config, init));
        dec = registerModule("dec", new Decoder(config, init));
    }

    public VqVaeConfig config() {
        return config;
    }

    public Quantizer quantizer() {
        return quantize;
    }

    /**
     * The full pass: encode, quantise, decode, and the losses. In EMA mode and training mode the codebook
     * is updated afterwards (the outputs use the codebook as it was). With beta the commitment weight:
     * EMA mode {@code loss = recon + beta * latent}, latent = commitment; LOSS mode
     * {@code loss = recon + latent}, latent = codebook term + beta * commitment.
     *
     * @param images F32 [B, in, H, W], H and W multiples of the stride
     */
    public VqVaeOutput forward(Tensor images) {
        checkImages(images);
        Variable x = Variable.constant(images);
        QuantizerOutput q = quantize.forward(latent(x));
        Variable reconstruction = dec.forward(q.quantized().permute(0, 3, 1, 2));
        Variable difference = reconstruction.sub(x);
        Variable reconstructionLoss = switch (config.reconstructionLoss()) {
            case MSE -> difference.square().mean();
            case L1 -> difference.abs().mean();
        };
        float beta = config.commitmentWeight();
        Variable latentLoss;
        Variable loss;
        if (config.codebook() == CodebookMode.EMA) {
            latentLoss = q.commitment();
            loss = reconstructionLoss.add(latentLoss.mul(beta));
        } else {
            latentLoss = q.codebookLoss().add(q.commitment().mul(beta));
            loss = reconstructionLoss.add(latentLoss);
        }
        return new VqVaeOutput(reconstruction, q.codes(), reconstructionLoss, latentLoss, loss, q.codeCounts());
    }

    /**
     * Code indices of {@code images} [B, in, H, W]: I32 [B, H/s, W/s]. Pure inference: no graph, and the
     * codebook is not updated whatever the mode.
     */
    public Tensor encode(Tensor images) {
        checkImages(images);
        try (NoGrad scope = NoGrad.enter()) {
            Tensor z = latent(Variable.constant(images)).value();
            int[] dims = z.shape().dims();
            Tensor flat = z.reshape(dims[0] * dims[1] * dims[2], dims[3]);
            return quantize.nearest(flat).reshape(dims[0], dims[1], dims[2]);
        }
    }

    /** Images [B, in, h * s, w * s] decoded from code indices I32 [B, h, w] in [0, K); no graph. */
    public Tensor decodeCodes(Tensor codes) {
        if (codes.rank() != 3 || codes.dtype() != DType.I32) {
            throw new IllegalArgumentException("decodeCodes: expected I32 codes [B, h, w], got " + codes);
        }
        for (int code : codes.toIntArray()) {
            if (code < 0 || code >= config.codes()) {
                throw new IllegalArgumentException("decodeCodes: code " + code + " outside [0, " + config.codes() + ")");
            }
        }
        try (NoGrad scope = NoGrad.enter()) {
            Tensor vectors = Backend.of(codes).gather(quantize.codebookRows(), codes);
            return dec.forward(Variable.constant(vectors).permute(0, 3, 1, 2)).value();
        }
    }

    /** Encoder then quantize_conv, channels last: [B, H/s, W/s, D]. */
    private Variable latent(Variable x) {
        return quantizeConv.forward(enc.forward(x)).permute(0, 2, 3, 1);
    }

    private void checkImages(Tensor images) {
        int s = config.stride();
        if (images.rank() != 4 || images.dtype() != DType.F32 || images.dim(1) != config.inChannel()
                || images.dim(2) % s != 0 || images.dim(3) % s != 0 || images.dim(2) == 0 || images.dim(3) == 0) {
            throw new IllegalArgumentException("VqVae: expected F32 images [B, " + config.inChannel()
                    + ", H, W] with H and W positive multiples of the stride " + s + ", got " + images);
        }
    }
}
