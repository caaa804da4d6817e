/**
 * Supervised detector families: MesoNet (Meso-4 and MesoInception-4 with the official pretrained weights, trained or
 * fine-tuned on labelled faces by {@link dev.unmask.detectors.classifier.MesoNetTraining}), and classifiers over
 * learned features.
 */
package dev.unmask.detectors.classifier;
