package dev.unmask.detectors;

/**
 * What a family's raw output means, and how it becomes a suspicion score (higher = more likely fake), the
 * quantity that thresholds and normalisation work on.
 */
public enum Polarity {
    /** Higher raw scores mean more likely fake (anomaly scores, reconstruction errors): suspicion = raw. */
    HIGHER_IS_FAKE,
    /** The raw output is the probability that the image is real (MesoNet's sigmoid): suspicion = 1 - raw. */
    REAL_PROBABILITY;

    /** The suspicion score of a raw output. */
    public double suspicion(double raw) {
        return this == HIGHER_IS_FAKE ? raw : 1 - raw;
    }
}
