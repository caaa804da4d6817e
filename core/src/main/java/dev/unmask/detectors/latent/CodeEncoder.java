package dev.unmask.detectors.latent;

import dev.unmask.tensor.Tensor;

/** Maps images to code grids (the VQ-VAE encoder and quantiser in the library). */
public interface CodeEncoder {
    /**
     * @param images F32 [B, C, H, W] in the model's pixel space
     * @return I32 codes [B, h, w] on the same backend as {@code images}
     */
    Tensor encode(Tensor images);
}
