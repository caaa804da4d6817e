/**
 * The autoencoder-feature classifier: {@link dev.unmask.models.autoencoder.ConvAutoencoder} (three stride-2
 * convolutions of 168, 64 and 32 filters and the mirror decoder, trained by MSE) and
 * {@link dev.unmask.models.autoencoder.AutoencoderClassifier}, its encoder with a regularised two-class dense
 * softmax head. Parameter names are those of PyTorch modules of the same structure; conformance is tested
 * against goldens made by {@code core/src/test/python/make_vae_goldens.py}.
 */
package dev.unmask.models.autoencoder;
