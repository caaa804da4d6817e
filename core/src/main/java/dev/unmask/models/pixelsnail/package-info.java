/**
 * PixelSNAIL, the autoregressive prior over VQ-VAE code grids, as rosinality's vq-vae-2-pytorch builds it
 * (same structure and state-dict names, so his PyTorch weights load by name), checked against a PyTorch
 * model in core/src/test/python/make_pixelsnail_goldens.py.
 *
 * <p>Behaviours of rosinality's code kept on purpose, because trained weights depend on them:
 * <ul>
 *   <li>His ELUs run in place, so a {@link dev.unmask.models.pixelsnail.GatedResBlock} adds
 *       {@code elu(x)} (not {@code x}) as its residual, and a {@link dev.unmask.models.pixelsnail.PixelBlock}'s
 *       key sees {@code elu(input)} once its first residual block has run.</li>
 *   <li>'causal' convolutions zero part of {@code weight_v} in place before each forward pass; the
 *       gradient of those entries is what PyTorch reports, not zero.</li>
 * </ul>
 * Deviations:
 * <ul>
 *   <li>The one-hot input convolutions ({@code horizontal}, {@code vertical}) are gathers of weight
 *       columns ({@link dev.unmask.models.pixelsnail.CausalConv2d#forwardOneHot}); the one-hot tensor is
 *       never formed. The code grid enters nowhere else (the PixelBlocks' "input" is the feature map).</li>
 *   <li>No dropout on the attention probabilities (the fused causal attention op has none); this only
 *       matters in training with dropout &gt; 0.</li>
 *   <li>Odd kernels only (rosinality's causal residual blocks fail with even ones).</li>
 *   <li>No conditioning network (the hierarchical model's bottom prior); gated blocks do accept a
 *       condition input.</li>
 * </ul>
 * A property of the architecture, not of this port: the first positions of a row see neither the end of
 * the previous row nor anything computed from it.
 *
 * <p>For inference, {@link dev.unmask.models.pixelsnail.IncrementalPixelSnail} ({@code PixelSnail.incremental})
 * computes the logits one row at a time from cached rows of every causal layer, equal to the full forward's
 * (bit for bit on the CPU backend); latent restoration's incremental schedule runs on it.
 */
package dev.unmask.models.pixelsnail;
