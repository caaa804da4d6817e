package dev.unmask.archfixture.detectors.classifier;

import dev.unmask.archfixture.detectors.DetectorFamily;

/** A family: allowed to implement the contract. */
public final class ClassifierFamily implements DetectorFamily {
}
