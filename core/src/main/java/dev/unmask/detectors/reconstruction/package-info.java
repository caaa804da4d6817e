/**
 * One-class VAE detector families, trained on real images only and scoring by reconstruction: OC-FakeDect-1
 * and -2 (Khalid and Woo 2020) and the symmetric and asymmetric ResNet-18 VAEs ({@link
 * dev.unmask.detectors.reconstruction.VaeArchitecture}); their bundles, scoring
 * ({@link dev.unmask.detectors.reconstruction.ReconstructionScoringModel}), training and calibration
 * ({@link dev.unmask.detectors.reconstruction.ReconstructionTraining}).
 */
package dev.unmask.detectors.reconstruction;
