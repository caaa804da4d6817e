/**
 * The detector-family contract: what every kind of detector (latent restoration, MesoNet, the one-class VAEs,
 * the autoencoder with a logistic head) supplies so that {@link dev.unmask.Detector} can load and run it.
 *
 * <ul>
 *   <li>{@link dev.unmask.detectors.DetectorFamily}: a bundle's {@code model_type} and how to load it;</li>
 *   <li>{@link dev.unmask.detectors.ScoringModel}: a loaded model: its {@link dev.unmask.detectors.InputSpec},
 *       preprocessing, raw scores (and heat-maps where it can), the {@link dev.unmask.detectors.Polarity} of
 *       its raw output;</li>
 *   <li>{@link dev.unmask.detectors.ScoreDecision}: the generic threshold and [0, 1] normalisation, saved in
 *       every bundle.</li>
 * </ul>
 * {@link dev.unmask.DetectorFamilies} is the registry. One package per family below this one: {@code latent}, {@code classifier}, {@code reconstruction}.
 */
package dev.unmask.detectors;
