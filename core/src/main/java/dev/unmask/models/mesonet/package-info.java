/**
 * MesoNet (Afchar, Nozick, Yamagishi, Echizen 2018, "MesoNet: a Compact Facial Video Forgery Detection
 * Network"): {@link dev.unmask.models.mesonet.Meso4} and {@link dev.unmask.models.mesonet.MesoInception4}
 * exactly as the official Keras models of DariusAf/MesoNet's classifiers.py (ReLU before batch
 * normalisation, epsilon 1e-3, 'same' padding and pooling, Keras' (H, W, C) flatten order for the official
 * dense weights, LeakyReLU 0.1, sigmoid output near 1 for real faces), with the official pretrained weights
 * through {@link dev.unmask.models.mesonet.MesoNetWeights}.
 *
 * <p>Use: {@code MesoNet model = MesoNetWeights.load(h5, backend); float[] pReal = model.predict(images);}
 * with images F32 [B, 3, 256, 256] in [0, 1]: RGB levels / 255 after a nearest-neighbour resize to 256 x 256
 * (the official pipeline's Keras ImageDataGenerator with Pillow's nearest resize, which maps output pixel i
 * to input pixel floor((i + 0.5) * in / out)). {@link dev.unmask.models.mesonet.MesoNetWeights#architectureOf}
 * tells which network a .h5 holds. A bundle needs the {@link dev.unmask.models.mesonet.MesoNetConfig}
 * (architecture, dropout) and the state dict; {@link dev.unmask.models.mesonet.MesoNet#create} rebuilds the
 * model for {@code loadStateDict}.
 *
 * <p>Checked against goldens made by {@code core/src/test/python/make_mesonet_goldens.py}: a float64 NumPy
 * model written from the Keras layer definitions for the inference of all four official weight files, and
 * PyTorch for one training step.
 */
package dev.unmask.models.mesonet;
