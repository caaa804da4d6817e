/**
 * Supervised detector families: MesoNet (Meso-4 and MesoInception-4 with the official pretrained weights), and
 * classifiers over learned features.
 */
package dev.unmask.detectors.classifier;
