package dev.unmask.models.vqvae;

/**
 * Shape and training choices of a one-level {@link VqVae}.
 *
 * @param inChannel          image channels (3 for RGB, 1 for grey)
 * @param channel            encoder/decoder width; the first encoder convolution has {@code channel / 2}
 * @param resBlocks          residual blocks in the encoder and in the decoder (rosinality's n_res_block)
 * @param resChannel         hidden width of a residual block (n_res_channel)
 * @param embedDim           size D of a code vector
 * @param codes              codebook size K (n_embed)
 * @param stride             downsampling factor of the encoder, 4 or 8: codes form an (H/stride) x (W/stride) grid
 * @param codebook           how the codebook learns
 * @param decay              EMA decay of the codebook statistics (EMA mode)
 * @param epsilon            Laplace smoothing of the cluster sizes (EMA mode)
 * @param commitmentWeight   beta, the weight of the commitment term {@code mean((sg[e] - z)^2)} in the loss
 * @param reconstructionLoss how the reconstruction is compared with the input
 */
public record VqVaeConfig(int inChannel, int channel, int resBlocks, int resChannel, int embedDim, int codes,
                          int stride, CodebookMode codebook, float decay, float epsilon, float commitmentWeight,
                          ReconstructionLoss reconstructionLoss) {

    /** How the codebook is learned. */
    public enum CodebookMode {
        /**
         * Exponential moving averages of cluster sizes and code sums (rosinality's Quantize): the codebook
         * is a buffer updated after each train-mode forward; the loss has the commitment term only.
         */
        EMA,
        /**
         * The codebook is a parameter trained by gradient through the codebook term
         * {@code mean((e - sg[z])^2)}, added to the loss together with the weighted commitment term.
         */
        LOSS
    }

    /** Reconstruction term of the loss, averaged over every element. */
    public enum ReconstructionLoss {
        MSE, L1
    }

    /** rosinality's defaults: decay 0.99 and eps 1e-5 of the EMA, latent loss weight 0.25. */
    public static final float DEFAULT_DECAY = 0.99f;
    public static final float DEFAULT_EPSILON = 1e-5f;
    public static final float DEFAULT_COMMITMENT_WEIGHT = 0.25f;

    public VqVaeConfig {
        require(inChannel > 0, "inChannel must be positive", inChannel);
        require(channel >= 2 && channel % 2 == 0, "channel must be even and at least 2", channel);
        require(resBlocks >= 0, "resBlocks must not be negative", resBlocks);
        require(resChannel > 0, "resChannel must be positive", resChannel);
        require(embedDim > 0, "embedDim must be positive", embedDim);
        require(codes > 0, "codes must be positive", codes);
        require(stride == 4 || stride == 8, "stride must be 4 or 8", stride);
        if (codebook == null || reconstructionLoss == null) {
            throw new IllegalArgumentException("codebook mode and reconstruction loss must be given");
        }
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
        }
        if (!(commitmentWeight >= 0) || Float.isInfinite(commitmentWeight)) {
            throw new IllegalArgumentException("commitmentWeight must be finite and not negative, got " + commitmentWeight);
        }
    }

    private static void require(boolean ok, String message, int value) {
        if (!ok) {
            throw new IllegalArgumentException(message + ", got " + value);
        }
    }

    /** An EMA-codebook, MSE-loss configuration with rosinality's decay, epsilon and weight. */
    public static VqVaeConfig of(int inChannel, int channel, int resBlocks, int resChannel, int embedDim, int codes,
                                 int stride) {
        return new VqVaeConfig(inChannel, channel, resBlocks, resChannel, embedDim, codes, stride, CodebookMode.EMA,
                DEFAULT_DECAY, DEFAULT_EPSILON, DEFAULT_COMMITMENT_WEIGHT, ReconstructionLoss.MSE);
    }

    /** {@code faces-128}: RGB 128x128, stride 8 (16x16 codes), K = 512, D = 64, channel 128, 2 res blocks of 32. */
    public static VqVaeConfig faces128() {
        return of(3, 128, 2, 32, 64, 512, 8);
    }

    /**
     * {@code fmnist-32}: grey 32x32, stride 4 (8x8 codes). Half the faces width (channel 64, res channel 32)
     * and a smaller codebook (K = 256, D = 32): one grey channel of simple garments carries far less
     * detail than a face, and 64 codes per image cannot use 512 entries well.
     */
    public static VqVaeConfig fmnist32() {
        return of(1, 64, 2, 32, 32, 256, 4);
    }

    /** This configuration with another codebook mode. */
    public VqVaeConfig withCodebook(CodebookMode mode) {
        return new VqVaeConfig(inChannel, channel, resBlocks, resChannel, embedDim, codes, stride, mode, decay,
                epsilon, commitmentWeight, reconstructionLoss);
    }

    /** This configuration with another commitment weight. */
    public VqVaeConfig withCommitmentWeight(float weight) {
        return new VqVaeConfig(inChannel, channel, resBlocks, resChannel, embedDim, codes, stride, codebook, decay,
                epsilon, weight, reconstructionLoss);
    }

    /** This configuration with another reconstruction loss. */
    public VqVaeConfig withReconstructionLoss(ReconstructionLoss loss) {
        return new VqVaeConfig(inChannel, channel, resBlocks, resChannel, embedDim, codes, stride, codebook, decay,
                epsilon, commitmentWeight, loss);
    }
}
