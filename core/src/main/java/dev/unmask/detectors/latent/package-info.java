/**
 * Latent-restoration anomaly scoring (Marimont and Tarroni 2021, as their code does it; DESIGN section 6).
 *
 * <p>The models are seen through three small seams: {@link dev.unmask.detectors.latent.CodeEncoder} (images to code
 * grids), {@link dev.unmask.detectors.latent.CodePrior} (causal logits over a grid) and
 * {@link dev.unmask.detectors.latent.CodeDecoder} (grids to images). Over them:
 * <ul>
 *   <li>{@link dev.unmask.detectors.latent.LatentNll}: per-latent NLL from one prior pass;</li>
 *   <li>{@link dev.unmask.detectors.latent.SampleScore}: the sum of the NLL values above lambdaS;</li>
 *   <li>{@link dev.unmask.detectors.latent.RestorationScorer}: n restored copies (resampling latents whose NLL
 *       exceeds lambdaP), with naive, efficient and incremental {@link dev.unmask.detectors.latent.RestorationSchedule}s
 *       that agree code for code (the incremental one for an {@link dev.unmask.detectors.latent.IncrementalCodePrior},
 *       which computes logits row by row from cached rows above; the default wherever available), and the
 *       {@link dev.unmask.detectors.latent.PixelScoreMap};</li>
 *   <li>{@link dev.unmask.detectors.latent.LatentThresholds} and {@link dev.unmask.detectors.latent.Calibration} (with its
 *       JSON form for model bundles); {@link dev.unmask.detectors.latent.LatentAnomalyScorer} ties it together.</li>
 * </ul>
 * Random draws are keyed by (seed, image, copy, position), so no result depends on batching, scheduling
 * or threads.
 */
package dev.unmask.detectors.latent;
