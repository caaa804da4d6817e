package dev.unmask.models.vae;

/** The first layers of a {@link ResNet18Encoder}, which set how much the encoder downsamples. */
public enum ResNetStem {
    /**
     * torchvision's: a 7 x 7 stride-2 convolution, batch norm, ReLU and a 3 x 3 stride-2 max pool; with the
     * three stride-2 stages the encoder downsamples by 32 (224 x 224 to 7 x 7).
     */
    IMAGENET(32),
    /** For 32 x 32 and 64 x 64 images: a 3 x 3 stride-1 convolution, batch norm and ReLU, no max pool; downsamples by 8. */
    SMALL(8);

    private final int downsampling;

    ResNetStem(int downsampling) {
        this.downsampling = downsampling;
    }

    /** The factor from the image size to the last feature map's size. */
    public int downsampling() {
        return downsampling;
    }
}
