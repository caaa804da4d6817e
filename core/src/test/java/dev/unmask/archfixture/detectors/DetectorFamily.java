package dev.unmask.archfixture.detectors;

import dev.unmask.archfixture.detectors.latent.LatentFamily;

/** Planted: a family contract that names one of its families. */
public interface DetectorFamily {
    static DetectorFamily latent() {
        return new LatentFamily();
    }
}
