/**
 * One-class variational autoencoders that score an image by how badly they reconstruct it, trained on real
 * images only: {@link dev.unmask.models.vae.OcFakeDect} (OC-FakeDect-1 and -2, Khalid and Woo 2020), the
 * ResNet-18 VAEs {@link dev.unmask.models.vae.SymmetricResNetVae} and
 * {@link dev.unmask.models.vae.AsymmetricResNetVae} with the torchvision-layout
 * {@link dev.unmask.models.vae.ResNet18Encoder}. All implement {@link dev.unmask.models.vae.ReconstructionVae}:
 * a training forward with caller-supplied noise (loss = KL + residual sum of squares) and a deterministic
 * score. Parameter names are those of PyTorch modules of the same structure (each class documents them);
 * conformance is tested against goldens made by {@code core/src/test/python/make_vae_goldens.py}.
 */
package dev.unmask.models.vae;
