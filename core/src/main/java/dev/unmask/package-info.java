/**
 * The few classes an application touches.
 *
 * <ul>
 *   <li>{@link dev.unmask.Detector}: loads a calibrated latent-restoration bundle and scores images
 *       ({@link dev.unmask.Detection}: raw sample score, score normalised to [0, 1], verdict at 0.5, and the
 *       restoration heat-map when {@link dev.unmask.DetectionOptions#heatMap()} asks for it). Thread-safe.</li>
 *   <li>{@link dev.unmask.detectors.latent.LatentRestorationModel}: the VQ-VAE and PixelSNAIL pair with its calibration, the
 *       adapters the {@code anomaly} scorers need, and the bundle format {@code "latent-restoration"}
 *       (tensors under {@code vqvae.} and {@code prior.}, both configs, calibration JSON).</li>
 *   <li>{@link dev.unmask.detectors.latent.LatentRestorationTraining}: train the VQ-VAE, extract codes, train the prior,
 *       calibrate on held-out real images.</li>
 * </ul>
 */
package dev.unmask;
