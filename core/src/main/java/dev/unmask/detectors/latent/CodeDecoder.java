package dev.unmask.detectors.latent;

import dev.unmask.tensor.Tensor;

/** Turns code grids back into images (the VQ-VAE decoder in the library). */
public interface CodeDecoder {
    /**
     * @param codes I32 [B, h, w]
     * @return F32 images [B, C, H, W] in the model's pixel space, on the same backend as {@code codes}
     */
    Tensor decode(Tensor codes);
}
