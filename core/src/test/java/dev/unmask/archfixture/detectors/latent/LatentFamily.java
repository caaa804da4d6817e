package dev.unmask.archfixture.detectors.latent;

import dev.unmask.archfixture.detectors.DetectorFamily;
import dev.unmask.archfixture.detectors.classifier.ClassifierFamily;

/** Planted: a family that uses another family. */
public final class LatentFamily implements DetectorFamily {
    public DetectorFamily fallback() {
        return new ClassifierFamily();
    }
}
