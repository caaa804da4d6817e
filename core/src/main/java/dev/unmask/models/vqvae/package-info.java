/**
 * The one-level VQ-VAE of the latent-restoration detector: {@link dev.unmask.models.vqvae.VqVae} with its
 * {@link dev.unmask.models.vqvae.VqVaeConfig} (presets {@code faces-128} and {@code fmnist-32}) and the
 * vector quantiser {@link dev.unmask.models.vqvae.Quantizer} (EMA or loss-trained codebook). Structure and
 * parameter names follow rosinality's vq-vae-2-pytorch, so its state dicts load by name; conformance is
 * tested against goldens made by {@code core/src/test/python/make_vqvae_goldens.py}.
 */
package dev.unmask.models.vqvae;
