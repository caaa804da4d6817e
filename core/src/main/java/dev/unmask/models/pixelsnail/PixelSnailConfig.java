package dev.unmask.models.pixelsnail;

/**
 * Hyper-parameters of a {@link PixelSnail} prior over an {@code height x width} grid of codes in
 * {@code [0, classes)}, with rosinality's meaning: {@code channel} features through the network,
 * {@code kernel} the causal kernel size, {@code blocks} PixelBlocks of {@code resBlocks} gated residual
 * blocks of {@code resChannel} hidden channels each, causal self-attention in every block when
 * {@code attention} (channel / 2 wide, {@code heads} heads), and {@code dropout} in every gated block.
 * The kernel must be odd: rosinality rounds an even one up for the input convolutions only, and his
 * 'causal' residual blocks then change the width and fail.
 */
public record PixelSnailConfig(int height, int width, int classes, int channel, int kernel, int blocks,
                               int resBlocks, int resChannel, boolean attention, double dropout, int heads) {
    public PixelSnailConfig {
        if (height < 1 || width < 1 || classes < 2 || channel < 2 || channel % 2 != 0 || kernel < 3
                || kernel % 2 == 0 || blocks < 0 || resBlocks < 0 || resChannel < 1 || !(dropout >= 0 && dropout < 1)
                || heads < 1) {
            throw new IllegalArgumentException("invalid PixelSNAIL configuration: grid " + height + "x" + width
                    + ", classes " + classes + ", channel " + channel + ", kernel " + kernel + ", blocks " + blocks
                    + ", resBlocks " + resBlocks + ", resChannel " + resChannel + ", dropout " + dropout + ", heads "
                    + heads + " (sizes must be positive, classes at least 2, channel even, kernel odd and at least 3,"
                    + " dropout in [0, 1))");
        }
        if (attention && (channel / 2) % heads != 0) {
            throw new IllegalArgumentException("PixelSNAIL: attention width channel / 2 = " + channel / 2
                    + " is not divisible by " + heads + " heads");
        }
    }

    /**
     * The faces-128 prior: 16x16 codes of a stride-8 VQ-VAE with 512 codes; channel 128, kernel 5,
     * 2 blocks of 2 residual blocks of 128 channels, attention with 8 heads, dropout 0.1.
     */
    public static PixelSnailConfig faces128() {
        return new PixelSnailConfig(16, 16, 512, 128, 5, 2, 2, 128, true, 0.1, 8);
    }

    /**
     * The fmnist-32 prior: 8x8 codes of the fmnist-32 VQ-VAE (stride 4, 256 codes); half the faces-128 width
     * (channel 64, residual channel 64), otherwise the same: kernel 5, 2 blocks of 2 residual blocks,
     * attention with 8 heads (rosinality's fixed count) of width 4, dropout 0.1. A 64-position grid needs
     * no more depth than faces-128, and the narrower network trains in minutes on a CPU.
     */
    public static PixelSnailConfig fmnist32() {
        return new PixelSnailConfig(8, 8, 256, 64, 5, 2, 2, 64, true, 0.1, 8);
    }
}
